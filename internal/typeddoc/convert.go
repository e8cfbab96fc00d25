package typeddoc

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// The document and typed forms of a configuration are converted directly,
// field by field, rather than through JSON text: a write converts several
// times, and this is most of its cost otherwise.

// Decode decodes a validated document into v (a pointer). Free-form
// objects are copied, so the result shares nothing mutable with doc.
func Decode(doc any, v any) error {
	return decodeValue(doc, reflect.ValueOf(v).Elem())
}

func decodeValue(doc any, v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		if doc == nil {
			v.SetZero()
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := decodeValue(doc, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		m, ok := doc.(map[string]any)
		if !ok {
			return typeError(doc, v)
		}
		for _, f := range Fields(v.Type()) {
			if err := decodeValue(m[f.Name], v.Field(f.Index)); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
	case reflect.String:
		s, ok := doc.(string)
		if !ok {
			return typeError(doc, v)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := doc.(bool)
		if !ok {
			return typeError(doc, v)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, ok := doc.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return typeError(doc, v)
		}
		v.SetInt(i)
	case reflect.Float64:
		n, ok := doc.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil {
			return typeError(doc, v)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if doc == nil {
			v.SetZero()
			return nil
		}
		a, ok := doc.([]any)
		if !ok {
			return typeError(doc, v)
		}
		s := reflect.MakeSlice(v.Type(), len(a), len(a))
		for i, el := range a {
			if err := decodeValue(el, s.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		v.Set(s)
	case reflect.Map:
		if doc == nil {
			v.SetZero()
			return nil
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return typeError(doc, v)
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(v.Type().Elem()).Elem()
			if ev.Kind() == reflect.Interface {
				ev.Set(reflect.ValueOf(Clone(e)))
			} else if err := decodeValue(e, ev); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			out.SetMapIndex(reflect.ValueOf(k), ev)
		}
		v.Set(out)
	default:
		return fmt.Errorf("typeddoc: unsupported schema kind %s", v.Kind())
	}
	return nil
}

func typeError(doc any, v reflect.Value) error {
	return fmt.Errorf("typeddoc: cannot decode %T into %s", doc, v.Type())
}

// Encode encodes a typed value into its document form, numbers formatted
// as encoding/json formats them.
func Encode(v any) any {
	return encodeValue(reflect.ValueOf(v))
}

func encodeValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return encodeValue(v.Elem())
	case reflect.Struct:
		fields := Fields(v.Type())
		m := make(map[string]any, len(fields))
		for _, f := range fields {
			m[f.Name] = encodeValue(v.Field(f.Index))
		}
		return m
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10))
	case reflect.Float64:
		return formatFloat(v.Float())
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		a := make([]any, v.Len())
		for i := range a {
			a[i] = encodeValue(v.Index(i))
		}
		return a
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		freeForm := v.Type().Elem().Kind() == reflect.Interface
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			if freeForm {
				m[it.Key().String()] = Clone(it.Value().Interface())
			} else {
				m[it.Key().String()] = encodeValue(it.Value())
			}
		}
		return m
	default:
		panic("typeddoc: unsupported schema kind " + v.Kind().String())
	}
}

// formatFloat matches encoding/json's float64 formatting.
func formatFloat(f float64) json.Number {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return json.Number(strconv.FormatFloat(f, format, -1, 64))
}
