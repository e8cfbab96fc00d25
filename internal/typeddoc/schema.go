package typeddoc

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Schema describes a configuration type and its conventions.
type Schema struct {
	typ      reflect.Type
	defaults func() any
	opts     Options

	defaultsOnce sync.Once
	defaultsDoc  Document
}

// Options are a schema's conventions beyond its struct.
type Options struct {
	// ElementDefaults give the starting value of an object element of an
	// array, by element type; others start from the zero value.
	ElementDefaults map[reflect.Type]func() any
	// Secrets locate every secret: "[]" matches any array element and "*"
	// any key of a free-form object.
	Secrets [][]string
	// Identity names, by array path (e.g. "fallbacks"), the fields that
	// identify an element, so a masked secret sent back is matched to the
	// stored element it came from even if the array was reordered.
	Identity map[string][]string
}

// New returns the schema of T, whose defaults are returned by defaults.
func New[T any](defaults func() T, opts Options) *Schema {
	return &Schema{typ: reflect.TypeFor[T](), defaults: func() any { return defaults() }, opts: opts}
}

// Defaults is the defaults as a document. Callers must not mutate it.
func (s *Schema) Defaults() Document {
	s.defaultsOnce.Do(func() { s.defaultsDoc = Encode(s.defaults()).(map[string]any) })
	return s.defaultsDoc
}

// Field is one JSON field of a schema struct with its parsed rules.
type Field struct {
	Name  string
	Index int
	Type  reflect.Type
	Rules Rules
}

// Rules are the parsed `check` tag of a field.
type Rules struct {
	Required bool
	Min, Max *float64
	MaxLen   int
	MaxItems int
	Enum     []string
	OneOf    []int64
	Formats  []string // url, e164, toolname, relpath, keyname, jsonschema
	// OmitEmpty: an empty string is no value, valid whatever the formats.
	OmitEmpty bool
}

var schemaCache sync.Map // reflect.Type -> []Field

// Fields lists the JSON fields of struct type t, in declaration order.
func Fields(t reflect.Type) []Field {
	if f, ok := schemaCache.Load(t); ok {
		return f.([]Field)
	}
	out := make([]Field, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, Field{Name: name, Index: i, Type: sf.Type, Rules: parseRules(sf.Tag.Get("check"))})
	}
	schemaCache.Store(t, out)
	return out
}

// fieldNamed finds the field called name in struct type t.
func fieldNamed(t reflect.Type, name string) (Field, bool) {
	for _, f := range Fields(t) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// parseRules reads a `check` tag. Malformed tags are programming errors and
// panic at first use, which the schema tests exercise for every type.
func parseRules(tag string) Rules {
	var r Rules
	if tag == "" {
		return r
	}
	for _, part := range strings.Split(tag, ",") {
		key, val, _ := strings.Cut(part, "=")
		switch key {
		case "required":
			r.Required = true
		case "omitempty":
			r.OmitEmpty = true
		case "min":
			r.Min = parseFloat(tag, val)
		case "max":
			r.Max = parseFloat(tag, val)
		case "maxlen":
			r.MaxLen = atoi(tag, val)
		case "maxitems":
			r.MaxItems = atoi(tag, val)
		case "enum":
			r.Enum = strings.Split(val, "|")
		case "oneof":
			for _, s := range strings.Split(val, "|") {
				r.OneOf = append(r.OneOf, int64(atoi(tag, s)))
			}
		case "url", "e164", "toolname", "relpath", "keyname", "varname", "timezone", "jsonschema":
			r.Formats = append(r.Formats, key)
		default:
			panic("typeddoc: unknown check rule " + strconv.Quote(part) + " in " + strconv.Quote(tag))
		}
	}
	return r
}

func parseFloat(tag, s string) *float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic("typeddoc: bad number in check tag " + strconv.Quote(tag))
	}
	return &f
}

func atoi(tag, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("typeddoc: bad integer in check tag " + strconv.Quote(tag))
	}
	return n
}

// IsStruct reports whether t (or what it points to) is a schema struct.
func IsStruct(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}

// Deref is t, or what it points to.
func Deref(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}
