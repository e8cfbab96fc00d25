package typeddoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Document is a configuration as generic JSON (objects are map[string]any,
// numbers json.Number). Merging, validation and secret handling work on
// documents so that they see exactly what a client sent, null included.
// Documents are never mutated once built: they share subtrees.
type Document = map[string]any

// DecodeDocument parses a JSON object, keeping numbers exact. A string
// that cannot be stored as text is a *TextError locating it.
func DecodeDocument(data []byte) (Document, error) {
	var v any
	if err := decodeJSON(data, &v); err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: expected a JSON object", ErrInvalidJSON)
	}
	if te := checkText(data, doc); te != nil {
		return nil, te
	}
	return doc, nil
}

func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidJSON, jsonErrorText(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) { // More misses a closing } or ]
		return fmt.Errorf("%w: unexpected data after the JSON value", ErrInvalidJSON)
	}
	return nil
}

// jsonErrorText keeps decoder errors short and free of Go type names.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	return err.Error()
}

// elementDefault is the starting document for one object element of an
// array: the schema's element defaults where it has them, else nulls and
// zero values, so that required fields left out are reported as missing.
func (s *Schema) elementDefault(t reflect.Type) any {
	if d, ok := s.opts.ElementDefaults[Deref(t)]; ok {
		return Encode(d())
	}
	return Encode(reflect.New(Deref(t)).Elem().Interface())
}

// Clone deep-copies a document value.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	default:
		return v
	}
}

// Lookup returns the value at path (keys and indexes) or nil.
func Lookup(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k < 0 || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}
