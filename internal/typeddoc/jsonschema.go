package typeddoc

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/internal/phone"
)

// Shape says which JSON a derived JSON Schema describes: what the engine
// writes, or a request body and the way the engine reads it.
type Shape int

const (
	// Response is what encoding/json writes: every field present, nil
	// pointers, slices and maps as null, secrets masked.
	Response Shape = iota
	// Strict is a body that Validate checks as sent: fields that are not
	// pointers must be sent and not null; pointers may be left out or null.
	Strict
	// Patch is a body merged onto the stored document (PUT and PATCH): any
	// field may be left out, null resets a field to its default (unless the
	// default is not a valid value there), free-form objects merge key by key
	// (a null key is removed), and arrays are replaced, each object element
	// starting from its defaults.
	Patch
	// Create is Patch onto the defaults: a field whose default is not a
	// valid value must be sent.
	Create
)

// urlPattern is the part of an absolute http(s) URL a pattern can check;
// validation parses the URL too.
const urlPattern = `^[hH][tT][tT][pP][sS]?://[^/?#]`

// JSONSchema derives the JSON Schema (draft 2020-12) of struct type t in a
// shape, from its json tags and check rules, so that documentation cannot
// drift from validation. Wherever t is or holds s's type, s supplies the
// secrets (write-only, masked in responses) and the defaults Patch and
// Create need. s may be nil for types without secrets in Response and
// Strict shapes.
func JSONSchema(t reflect.Type, sh Shape, s *Schema) map[string]any {
	if (sh == Patch || sh == Create) && (s == nil || t != s.typ) {
		panic("typeddoc: Patch and Create shapes describe a schema's own type")
	}
	d := deriver{shape: sh, schema: s}
	at := place{}
	if sh == Patch || sh == Create {
		at = place{rooted: true, def: s.Defaults(), fromDefaults: sh == Create}
	}
	return d.value(t, Rules{}, at)
}

type deriver struct {
	shape  Shape
	schema *Schema
}

// place is where a value sits in a document.
type place struct {
	path   []string // from the schema's root: keys, "[]" for elements, "*" for free-form values
	rooted bool     // path is from the root of the schema's type
	def    any      // the value a null resets it to (Patch, Create)
	// fromDefaults: the value starts from its defaults rather than a stored
	// document (a new document, an array element), so a field whose default
	// is invalid must be sent.
	fromDefaults bool
	element      bool // an array element: null is never allowed
}

func (p place) child(key string, def any) place {
	return place{path: append(p.path[:len(p.path):len(p.path)], key), rooted: p.rooted, def: def, fromDefaults: p.fromDefaults}
}

func (d *deriver) merging() bool { return d.shape == Patch || d.shape == Create }

// nullable reports whether a value at p may be null in the shape.
func (d *deriver) nullable(t reflect.Type, r Rules, p place) bool {
	switch {
	case p.element:
		return t.Kind() == reflect.Pointer
	case d.shape == Response:
		k := t.Kind()
		return k == reflect.Pointer || k == reflect.Slice || k == reflect.Map || k == reflect.Interface
	case d.shape == Strict:
		return t.Kind() == reflect.Pointer
	default:
		return resettable(t, r, p.def)
	}
}

// resettable reports whether def, the value a null resets to, is valid.
func resettable(t reflect.Type, r Rules, def any) bool {
	if def == nil {
		return t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface
	}
	if s, ok := def.(string); ok && r.Required {
		return strings.TrimSpace(s) != ""
	}
	return true
}

func (d *deriver) value(t reflect.Type, r Rules, p place) map[string]any {
	nullable := d.nullable(t, r, p)
	base := Deref(t)
	if d.schema != nil && base == d.schema.typ && !p.rooted {
		p = place{rooted: true, element: p.element}
	}
	if d.secret(p) && base.Kind() == reflect.String {
		return d.secretValue(t.Kind() == reflect.String, r, nullable)
	}
	var out map[string]any
	switch {
	case base == reflect.TypeFor[time.Time]():
		out = map[string]any{"type": "string", "format": "date-time"}
	case base == reflect.TypeFor[json.RawMessage]():
		return map[string]any{} // any JSON value, null included
	case base.Kind() == reflect.Struct:
		out = d.object(base, p)
	case base.Kind() == reflect.Map:
		out = d.freeObject(base, r, p)
	case base.Kind() == reflect.Slice && base.Elem().Kind() != reflect.Uint8:
		out = d.array(base, r, p)
	case base.Kind() == reflect.String:
		out = stringSchema(r)
	case base.Kind() == reflect.Bool:
		out = map[string]any{"type": "boolean"}
	case base.Kind() == reflect.Int || base.Kind() == reflect.Int64 || base.Kind() == reflect.Int32:
		out = map[string]any{"type": "integer"}
		bounds(out, r)
		if len(r.OneOf) > 0 {
			enum := make([]any, len(r.OneOf))
			for i, v := range r.OneOf {
				enum[i] = v
			}
			out["enum"] = enum
		}
	case base.Kind() == reflect.Float64:
		out = map[string]any{"type": "number"}
		bounds(out, r)
	case base.Kind() == reflect.Interface:
		return map[string]any{} // any JSON value
	default:
		panic("typeddoc: no JSON Schema for " + t.String())
	}
	if nullable {
		orNull(out)
	}
	return out
}

// orNull lets a schema accept null too.
func orNull(s map[string]any) {
	s["type"] = []any{s["type"], "null"}
	if enum, ok := s["enum"].([]any); ok {
		s["enum"] = append(enum, nil)
	}
}

func bounds(s map[string]any, r Rules) {
	if r.Min != nil {
		s["minimum"] = *r.Min
	}
	if r.Max != nil {
		s["maximum"] = *r.Max
	}
}

func stringSchema(r Rules) map[string]any {
	s := map[string]any{"type": "string"}
	if r.MaxLen > 0 {
		s["maxLength"] = r.MaxLen
	}
	if len(r.Enum) > 0 {
		enum := make([]any, len(r.Enum))
		for i, v := range r.Enum {
			enum[i] = v
		}
		s["enum"] = enum
	}
	for _, f := range r.Formats {
		switch f {
		case "url":
			s["format"], s["pattern"] = "uri", urlPattern
			s["description"] = "An absolute http or https URL."
			if r.OmitEmpty {
				delete(s, "format")
				s["pattern"] = "^$|" + urlPattern
				s["description"] = "An absolute http or https URL, or empty."
			}
		case "e164":
			s["pattern"] = phone.E164Pattern
			s["description"] = "An E.164 phone number such as +14155550123."
		case "toolname":
			s["pattern"] = toolNamePattern.String()
		case "relpath":
			s["description"] = "A relative path inside the recordings root."
		case "timezone":
			s["description"] = "An IANA time zone such as Europe/Berlin or UTC."
		}
	}
	if _, patterned := s["pattern"]; r.Required && !patterned {
		s["pattern"] = `\S` // not blank; the format patterns imply it
	}
	return s
}

// secret reports whether the value at p is a secret of the schema.
func (d *deriver) secret(p place) bool {
	if d.schema == nil || !p.rooted {
		return false
	}
	for _, pattern := range d.schema.opts.Secrets {
		if slices.Equal(pattern, p.path) {
			return true
		}
	}
	return false
}

// secretValue describes a secret: written in clear (or the mask, to keep
// the stored value), shown masked. Masking replaces every set pointer and
// free-form value, and plain string fields unless empty.
func (d *deriver) secretValue(plainField bool, r Rules, nullable bool) map[string]any {
	if d.shape == Response {
		s := map[string]any{"type": "string", "enum": []any{Mask},
			"description": "Secret: write-only, always shown as " + Mask + "."}
		if plainField {
			s["enum"] = []any{Mask, ""}
		}
		if nullable {
			orNull(s)
		}
		return s
	}
	limit := MaxSecretLen
	if r.MaxLen > 0 && r.MaxLen < limit {
		limit = r.MaxLen
	}
	s := map[string]any{"type": "string", "maxLength": limit, "writeOnly": true,
		"description": "Secret: write-only, stored encrypted, shown as " + Mask + " in responses; send " + Mask + " back to keep the stored value."}
	if d.shape == Create {
		s["not"] = map[string]any{"const": Mask} // nothing is stored yet to keep
	}
	if nullable {
		orNull(s)
	}
	return s
}

func (d *deriver) object(t reflect.Type, p place) map[string]any {
	if d.merging() && p.def == nil {
		// A struct with no default (a null pointer) starts from its zero
		// value or element default when written.
		p.def = d.schema.elementDefault(t)
	}
	props := map[string]any{}
	required := []any{}
	d.eachField(t, p, func(f Field, omitEmpty bool, p place) {
		fp := p.child(f.Name, Lookup(p.def, []any{f.Name}))
		props[f.Name] = d.value(f.Type, f.Rules, fp)
		var must bool
		switch d.shape {
		case Response:
			must = !omitEmpty
		case Strict:
			must = f.Type.Kind() != reflect.Pointer
		default:
			must = p.fromDefaults && !resettable(f.Type, f.Rules, fp.def)
		}
		if must {
			required = append(required, f.Name)
		}
	})
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// eachField calls fn for every JSON field of struct t at p in order,
// flattening embedded structs as encoding/json does.
func (d *deriver) eachField(t reflect.Type, p place, fn func(f Field, omitEmpty bool, p place)) {
	named := map[int]Field{}
	for _, f := range Fields(t) {
		named[f.Index] = f
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if f, ok := named[i]; ok {
			_, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			fn(f, strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,"), p)
			continue
		}
		if sf.Anonymous && sf.Tag.Get("json") == "" && sf.Type.Kind() == reflect.Struct {
			ep := p
			if d.schema != nil && sf.Type == d.schema.typ && !p.rooted {
				ep = place{rooted: true} // the schema's fields, flattened into t
			}
			d.eachField(sf.Type, ep, fn)
		}
	}
}

func (d *deriver) freeObject(t reflect.Type, r Rules, p place) map[string]any {
	s := map[string]any{"type": "object"}
	if r.MaxItems > 0 {
		s["maxProperties"] = r.MaxItems
	}
	if slices.Contains(r.Formats, "keyname") {
		s["propertyNames"] = map[string]any{"pattern": keyNamePattern.String()}
	}
	if slices.Contains(r.Formats, "varname") {
		s["propertyNames"] = map[string]any{"pattern": varNamePattern.String()}
	}
	if slices.Contains(r.Formats, "jsonschema") {
		d.jsonSchemaObject(s, p)
		return s
	}
	vp := p.child("*", nil)
	vp.element = true // never null as such; merging removes a key sent as null
	elemRules := Rules{}
	if t.Elem().Kind() == reflect.Int {
		elemRules = Rules{Min: r.Min, Max: r.Max}
	}
	switch t.Elem().Kind() {
	case reflect.Interface:
		// any values
	case reflect.String:
		if d.secret(vp) {
			s["additionalProperties"] = d.secretValue(false, elemRules, d.merging())
		} else {
			str := map[string]any{"type": "string"}
			if r.MaxLen > 0 {
				str["maxLength"] = r.MaxLen
			}
			s["additionalProperties"] = d.leaf(str, d.merging())
		}
	default:
		v := d.value(t.Elem(), elemRules, vp)
		if d.merging() {
			orNull(v)
		}
		s["additionalProperties"] = v
	}
	return s
}

func (d *deriver) leaf(s map[string]any, nullable bool) map[string]any {
	if nullable {
		orNull(s)
	}
	return s
}

// jsonSchemaObject describes a tool's parameters: the outline of a JSON
// Schema object that function-calling APIs need. Merged writes may leave
// out what the default already has, and remove keys with null.
func (d *deriver) jsonSchemaObject(s map[string]any, p place) {
	m := d.merging()
	s["properties"] = map[string]any{
		"type":       map[string]any{"const": "object"},
		"properties": d.leaf(map[string]any{"type": "object", "additionalProperties": d.leaf(map[string]any{"type": "object"}, m)}, m),
		"required":   d.leaf(map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, m),
	}
	if def, _ := p.def.(map[string]any); def["type"] != "object" {
		s["required"] = []any{"type"}
	}
	s["description"] = "A JSON Schema object: the tool's parameters."
}

func (d *deriver) array(t reflect.Type, r Rules, p place) map[string]any {
	s := map[string]any{"type": "array"}
	if r.MaxItems > 0 {
		s["maxItems"] = r.MaxItems
	}
	elemRules := r
	elemRules.MaxItems = 0
	ep := place{path: append(p.path[:len(p.path):len(p.path)], "[]"), rooted: p.rooted, element: true}
	if d.merging() && IsStruct(t.Elem()) {
		ep.def, ep.fromDefaults = d.schema.elementDefault(t.Elem()), true
	}
	s["items"] = d.value(t.Elem(), elemRules, ep)
	return s
}
