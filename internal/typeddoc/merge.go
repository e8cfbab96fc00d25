package typeddoc

import (
	"maps"
	"reflect"
)

// mergeValue applies patch onto base for a value of schema type t, with def
// the value a null resets to. The rules of PUT and PATCH:
//   - a field left out keeps its current value;
//   - an explicit null resets the field to its default (null where the
//     schema has none);
//   - schema objects merge field by field, free-form objects key by key
//     (a null key is removed);
//   - arrays are replaced; each object element starts from its defaults.
//
// Values of the wrong shape are kept as sent, for validation to report with
// their path. The patch must be owned by the caller: its values are used,
// not copied.
func (s *Schema) mergeValue(t reflect.Type, base, patch, def any) any {
	if patch == nil {
		return Clone(def)
	}
	switch {
	case IsStruct(t):
		pm, ok := patch.(map[string]any)
		if !ok {
			return patch
		}
		start, _ := base.(map[string]any)
		if start == nil {
			start, _ = def.(map[string]any)
		}
		if start == nil {
			start = s.elementDefault(t).(map[string]any)
		}
		// Untouched subtrees are shared with base: documents are never
		// mutated in place once built, so a write costs what it changes.
		out := maps.Clone(start)
		defMap, _ := def.(map[string]any)
		for k, pv := range pm {
			f, known := fieldNamed(Deref(t), k)
			if !known {
				out[k] = pv
				continue
			}
			out[k] = s.mergeValue(f.Type, out[k], pv, defMap[k])
		}
		return out
	case t.Kind() == reflect.Map:
		return mergeFree(base, patch)
	case t.Kind() == reflect.Slice:
		pa, ok := patch.([]any)
		if !ok || !IsStruct(t.Elem()) {
			return patch
		}
		out := make([]any, len(pa))
		for i, el := range pa {
			d := s.elementDefault(t.Elem())
			out[i] = s.mergeValue(t.Elem(), d, el, d)
		}
		return out
	default:
		return patch
	}
}

// mergeFree deep-merges free-form objects (custom_settings, provider_config
// and the like): objects merge recursively, a null removes the key, anything
// else replaces.
func mergeFree(base, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	bm, _ := base.(map[string]any)
	out := make(map[string]any, len(bm)+len(pm))
	maps.Copy(out, bm)
	for k, pv := range pm {
		if pv == nil {
			delete(out, k)
			continue
		}
		if _, isObj := pv.(map[string]any); isObj {
			out[k] = mergeFree(out[k], pv)
			continue
		}
		out[k] = pv
	}
	return out
}

// Merge applies patch onto base (both documents of the schema's type) by
// the rules of mergeValue. The patch must be owned by the caller.
func (s *Schema) Merge(base, patch Document) Document {
	return s.mergeValue(s.typ, base, patch, s.Defaults()).(map[string]any)
}

// Normalize brings a stored document up to the current schema: fields
// added since it was written get their defaults.
func (s *Schema) Normalize(stored Document) Document {
	d := s.Defaults()
	return s.mergeValue(s.typ, d, stored, d).(map[string]any)
}
