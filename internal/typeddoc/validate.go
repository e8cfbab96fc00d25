package typeddoc

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names validate the same on every machine
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/internal/phone"
)

var (
	toolNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	keyNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	varNamePattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
)

// validator walks a document against the schema and collects every problem.
type validator struct {
	errs []FieldError
}

func (v *validator) add(path []any, kind, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Loc: slices.Clone(path), Msg: fmt.Sprintf(format, args...), Type: kind})
}

// Validate checks a whole document against the schema.
func (s *Schema) Validate(doc Document) []FieldError {
	var v validator
	v.value(s.typ, Rules{}, doc, nil)
	return v.errs
}

// ValidatePatched checks only the parts of a merged document a patch
// touched; the rest came from a valid document.
func (s *Schema) ValidatePatched(merged, patch Document) []FieldError {
	var v validator
	v.patched(s.typ, merged, patch, nil)
	return v.errs
}

func (v *validator) patched(t reflect.Type, merged map[string]any, patch map[string]any, p []any) {
	for _, k := range sortedKeys(patch) {
		f, known := fieldNamed(Deref(t), k)
		if !known {
			v.add(append(p, k), "extra_forbidden", "unknown field")
			continue
		}
		pm, patchObj := patch[k].(map[string]any)
		mm, mergedObj := merged[k].(map[string]any)
		if IsStruct(f.Type) && patchObj && mergedObj {
			v.patched(f.Type, mm, pm, append(p, k))
			continue
		}
		v.value(f.Type, f.Rules, merged[k], append(p, k))
	}
}

func (v *validator) value(t reflect.Type, r Rules, val any, p []any) {
	if val == nil {
		if t.Kind() == reflect.Pointer {
			return
		}
		v.add(p, "missing", "field required")
		return
	}
	t = Deref(t)
	switch t.Kind() {
	case reflect.Struct:
		v.object(t, val, p)
	case reflect.Map:
		v.freeObject(t, r, val, p)
	case reflect.Slice:
		v.array(t, r, val, p)
	case reflect.String:
		s, ok := val.(string)
		if !ok {
			v.add(p, "type_error", "must be a string")
			return
		}
		v.str(r, s, p)
	case reflect.Bool:
		if _, ok := val.(bool); !ok {
			v.add(p, "type_error", "must be true or false")
		}
	case reflect.Int, reflect.Int64:
		n, ok := val.(json.Number)
		if !ok {
			v.add(p, "type_error", "must be an integer")
			return
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			v.add(p, "type_error", "must be an integer")
			return
		}
		v.number(r, float64(i), p)
		if len(r.OneOf) > 0 && !slices.Contains(r.OneOf, i) {
			v.add(p, "value_error", "must be one of %s", joinInts(r.OneOf))
		}
	case reflect.Float64:
		n, ok := val.(json.Number)
		if !ok {
			v.add(p, "type_error", "must be a number")
			return
		}
		f, err := n.Float64()
		if err != nil {
			v.add(p, "type_error", "must be a number")
			return
		}
		v.number(r, f, p)
	case reflect.Interface:
		// free-form JSON value: anything goes
	default:
		panic("typeddoc: unsupported schema kind " + t.Kind().String())
	}
}

func (v *validator) object(t reflect.Type, val any, p []any) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, "type_error", "must be an object")
		return
	}
	known := Fields(t)
	for _, k := range sortedKeys(m) {
		if !slices.ContainsFunc(known, func(f Field) bool { return f.Name == k }) {
			v.add(append(p, k), "extra_forbidden", "unknown field")
		}
	}
	for _, f := range known {
		v.value(f.Type, f.Rules, m[f.Name], append(p, f.Name))
	}
}

func (v *validator) freeObject(t reflect.Type, r Rules, val any, p []any) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, "type_error", "must be an object")
		return
	}
	if r.MaxItems > 0 && len(m) > r.MaxItems {
		v.add(p, "value_error", "must have at most %d entries", r.MaxItems)
	}
	for _, k := range sortedKeys(m) {
		if slices.Contains(r.Formats, "keyname") && !keyNamePattern.MatchString(k) {
			v.add(append(p, k), "value_error", "key must be lower_snake_case, e.g. deepgram_api_key")
		}
		if slices.Contains(r.Formats, "varname") && !varNamePattern.MatchString(k) {
			v.add(append(p, k), "value_error", "name must start with a letter or _ and hold only letters, digits and _ (at most 64)")
		}
		switch t.Elem().Kind() {
		case reflect.String:
			if s, ok := m[k].(string); !ok {
				v.add(append(p, k), "type_error", "must be a string")
			} else if r.MaxLen > 0 && utf8.RuneCountInString(s) > r.MaxLen {
				v.add(append(p, k), "value_error", "must be at most %d characters", r.MaxLen)
			}
		case reflect.Int:
			elemRules := r
			elemRules.MaxItems, elemRules.Formats = 0, nil
			v.value(t.Elem(), elemRules, m[k], append(p, k))
		}
	}
	if slices.Contains(r.Formats, "jsonschema") {
		v.jsonSchema(m, p)
	}
}

// jsonSchema checks the outline a function-calling API needs: an object
// schema whose properties are themselves schemas.
func (v *validator) jsonSchema(m map[string]any, p []any) {
	if m["type"] != "object" {
		v.add(append(p, "type"), "value_error", `must be "object"`)
	}
	if props, present := m["properties"]; present {
		pm, ok := props.(map[string]any)
		if !ok {
			v.add(append(p, "properties"), "type_error", "must be an object")
			return
		}
		for _, k := range sortedKeys(pm) {
			if _, ok := pm[k].(map[string]any); !ok {
				v.add(append(p, "properties", k), "type_error", "must be a JSON Schema object")
			}
		}
	}
	if req, present := m["required"]; present {
		ra, ok := req.([]any)
		if !ok {
			v.add(append(p, "required"), "type_error", "must be an array of property names")
			return
		}
		for i, e := range ra {
			if _, ok := e.(string); !ok {
				v.add(append(p, "required", i), "type_error", "must be a string")
			}
		}
	}
}

func (v *validator) array(t reflect.Type, r Rules, val any, p []any) {
	a, ok := val.([]any)
	if !ok {
		v.add(p, "type_error", "must be an array")
		return
	}
	if r.MaxItems > 0 && len(a) > r.MaxItems {
		v.add(p, "value_error", "must have at most %d items", r.MaxItems)
	}
	elemRules := r
	elemRules.MaxItems = 0
	for i, el := range a {
		v.value(t.Elem(), elemRules, el, append(p, i))
	}
}

func (v *validator) str(r Rules, s string, p []any) {
	if r.Required && strings.TrimSpace(s) == "" {
		v.add(p, "missing", "must not be empty")
		return
	}
	if r.OmitEmpty && s == "" {
		return
	}
	if r.MaxLen > 0 && utf8.RuneCountInString(s) > r.MaxLen {
		v.add(p, "value_error", "must be at most %d characters", r.MaxLen)
	}
	if len(r.Enum) > 0 && !slices.Contains(r.Enum, s) {
		v.add(p, "value_error", "must be one of %s", strings.Join(r.Enum, ", "))
	}
	for _, f := range r.Formats {
		switch f {
		case "url":
			if !isHTTPURL(s) {
				v.add(p, "value_error", "must be an absolute http or https URL")
			}
		case "e164":
			if !phone.IsE164(s) {
				v.add(p, "value_error", "must be an E.164 phone number such as +14155550123")
			}
		case "toolname":
			if !toolNamePattern.MatchString(s) {
				v.add(p, "value_error", "must start with a letter and contain only letters, digits, _ and - (at most 64)")
			}
		case "relpath":
			if c := path.Clean(s); path.IsAbs(s) || c == ".." || strings.HasPrefix(c, "../") {
				v.add(p, "value_error", "must be a relative path inside the recordings root")
			}
		case "timezone":
			if _, err := time.LoadLocation(s); s == "" || s == "Local" || err != nil {
				v.add(p, "value_error", "must be an IANA time zone such as Europe/Berlin or UTC")
			}
		}
	}
}

func (v *validator) number(r Rules, f float64, p []any) {
	switch {
	case r.Min != nil && r.Max != nil && (f < *r.Min || f > *r.Max):
		v.add(p, "value_error", "must be between %s and %s", fmtNum(*r.Min), fmtNum(*r.Max))
	case r.Min != nil && f < *r.Min:
		v.add(p, "value_error", "must be at least %s", fmtNum(*r.Min))
	case r.Max != nil && f > *r.Max:
		v.add(p, "value_error", "must be at most %s", fmtNum(*r.Max))
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func joinInts(xs []int64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// IsVarName reports whether s can name a {{variable}} (the varname check).
func IsVarName(s string) bool { return varNamePattern.MatchString(s) }
