// Package jsonobj reads the fields of a decoded JSON object one by one,
// checking each field's type and range and collecting every problem with
// its path, and builds nested patch documents. The vendor views of the
// assistant API translate their request bodies with it.
package jsonobj

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one field's problem.
type Problem struct {
	Path string // dotted, array indexes as numbers: tools.0.phone_number
	Msg  string
}

// Problems collects the problems of one request; it is the error of a
// request that has some.
type Problems struct{ List []Problem }

func (p *Problems) Error() string {
	if len(p.List) == 0 {
		return "no problems"
	}
	return fmt.Sprintf("%s: %s (and %d more)", p.List[0].Path, p.List[0].Msg, len(p.List)-1)
}

// Add records a problem at path.
func (p *Problems) Add(path, format string, args ...any) {
	p.List = append(p.List, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Object is a JSON object being read, at a path of its request.
type Object struct {
	doc  map[string]any
	path string
	errs *Problems
}

// Read starts reading doc, collecting problems into errs.
func Read(doc map[string]any, errs *Problems) Object { return Object{doc: doc, errs: errs} }

// Path is the full path of the field k.
func (o Object) Path(k string) string {
	switch {
	case k == "":
		return o.path
	case o.path == "":
		return k
	}
	return o.path + "." + k
}

// Has reports whether the field k was sent (null included).
func (o Object) Has(k string) bool { _, ok := o.doc[k]; return ok }

// Null reports whether the field k was sent as null.
func (o Object) Null(k string) bool { v, ok := o.doc[k]; return ok && v == nil }

// Raw is the field k as decoded.
func (o Object) Raw(k string) any { return o.doc[k] }

// Fail records a problem with the field k.
func (o Object) Fail(k, format string, args ...any) { o.errs.Add(o.Path(k), format, args...) }

// Unknown reports every field sent that is not one of known.
func (o Object) Unknown(known ...string) {
	for _, k := range sortedKeys(o.doc) {
		if !slices.Contains(known, k) {
			o.Fail(k, "is not a known field")
		}
	}
}

// Keys are the fields sent, sorted.
func (o Object) Keys() []string { return sortedKeys(o.doc) }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The getters below return the field's value and whether it was sent and
// valid: a field left out, or one with a problem (recorded), is not ok;
// a null one is ok with a nil value unless the getter refuses nulls.

// String reads a string of at most max characters (at least min).
func (o Object) String(k string, min, max int) (*string, bool) {
	v, present := o.doc[k]
	if !present || v == nil {
		return nil, present
	}
	s, isStr := v.(string)
	if !isStr {
		o.Fail(k, "must be a string")
		return nil, false
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n > max:
		o.Fail(k, "must not be longer than %d characters", max)
		return nil, false
	case n < min:
		o.Fail(k, "must be at least %d characters", min)
		return nil, false
	}
	return &s, true
}

// Enum reads a string that must be one of values.
func (o Object) Enum(k string, values ...string) (*string, bool) {
	s, ok := o.String(k, 0, math.MaxInt32)
	if !ok || s == nil {
		return s, ok
	}
	if !slices.Contains(values, *s) {
		o.Fail(k, "must be one of: %s", strings.Join(values, ", "))
		return nil, false
	}
	return s, true
}

// Bool reads a boolean.
func (o Object) Bool(k string) (*bool, bool) {
	v, present := o.doc[k]
	if !present || v == nil {
		return nil, present
	}
	b, isBool := v.(bool)
	if !isBool {
		o.Fail(k, "must be true or false")
		return nil, false
	}
	return &b, true
}

// Number reads a number between min and max.
func (o Object) Number(k string, min, max float64) (*float64, bool) {
	v, present := o.doc[k]
	if !present || v == nil {
		return nil, present
	}
	f, isNum := number(v)
	if !isNum {
		o.Fail(k, "must be a number")
		return nil, false
	}
	if f < min || f > max {
		o.Fail(k, "must be between %s and %s", fmtNum(min), fmtNum(max))
		return nil, false
	}
	return &f, true
}

// Int reads an integer between min and max.
func (o Object) Int(k string, min, max int64) (*int64, bool) {
	f, ok := o.Number(k, float64(min), float64(max))
	if !ok || f == nil {
		return nil, ok
	}
	if *f != math.Trunc(*f) {
		o.Fail(k, "must be an integer")
		return nil, false
	}
	n := int64(*f)
	return &n, true
}

// Object reads a nested object; a null one is ok with a nil Object doc.
func (o Object) Object(k string) (Object, bool) {
	v, present := o.doc[k]
	child := Object{path: o.Path(k), errs: o.errs}
	if !present || v == nil {
		return child, present
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		o.Fail(k, "must be an object")
		return child, false
	}
	child.doc = m
	return child, true
}

// IsNull reports whether this object was sent as null.
func (o Object) IsNull() bool { return o.doc == nil }

// Map is the object as decoded.
func (o Object) Map() map[string]any { return o.doc }

// Array reads an array of at most max items.
func (o Object) Array(k string, max int) ([]any, bool) {
	v, present := o.doc[k]
	if !present || v == nil {
		return nil, present
	}
	a, isArr := v.([]any)
	if !isArr {
		o.Fail(k, "must be an array")
		return nil, false
	}
	if len(a) > max {
		o.Fail(k, "must not have more than %d items", max)
		return nil, false
	}
	return a, true
}

// Strings reads an array of at most max strings of at most maxLen characters.
func (o Object) Strings(k string, max, minLen, maxLen int) ([]string, bool) {
	a, ok := o.Array(k, max)
	if !ok || a == nil {
		return nil, ok
	}
	out := make([]string, 0, len(a))
	items := Object{doc: map[string]any{}, path: o.Path(k), errs: o.errs}
	for i, v := range a {
		key := fmt.Sprint(i)
		items.doc[key] = v
		s, ok := items.String(key, minLen, maxLen)
		if !ok || s == nil {
			if ok {
				items.Fail(key, "must be a string")
			}
			return nil, false
		}
		out = append(out, *s)
	}
	return out, true
}

// Element reads the i-th item of an array read from the field k as an object.
func (o Object) Element(k string, i int, v any) (Object, bool) {
	path := fmt.Sprintf("%s.%d", o.Path(k), i)
	m, isObj := v.(map[string]any)
	if !isObj {
		o.errs.Add(path, "must be an object")
		return Object{}, false
	}
	return Object{doc: m, path: path, errs: o.errs}, true
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}

func fmtNum(f float64) string { return fmt.Sprint(f) }

// Patch is a nested document under construction.
type Patch map[string]any

// Set puts v at path, creating the objects on the way.
func (p Patch) Set(v any, path ...string) {
	m := map[string]any(p)
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// Num is f as a document number.
func Num(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'f', -1, 64)) }

// Int is i as a document number.
func Int(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }

// Strs is a string slice as a document array.
func Strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// WithDefaults returns doc with every field of defaults it does not send
// (objects filled field by field); doc itself is not changed.
func WithDefaults(doc, defaults map[string]any) map[string]any {
	out := maps.Clone(doc)
	if out == nil {
		out = map[string]any{}
	}
	for k, d := range defaults {
		v, sent := out[k]
		switch {
		case !sent:
			out[k] = d
		case v != nil:
			vm, vIsObj := v.(map[string]any)
			dm, dIsObj := d.(map[string]any)
			if vIsObj && dIsObj {
				out[k] = WithDefaults(vm, dm)
			}
		}
	}
	return out
}
