package api

import (
	"slices"

	"github.com/switchboard-voice/switchboard/http/openapi"
)

// viewWrite derives a vendor view's write schema from its read schema:
// every field optional (but required) and nullable, unknown fields
// refused, and the schemas at replace (property paths) swapped for the
// write's own.
func viewWrite(read openapi.Schema, required []string, replace map[string]openapi.Schema) openapi.Schema {
	s := relax(read).(map[string]any)
	if len(required) > 0 {
		s["required"] = required
	}
	for path, sub := range replace {
		at := s
		keys := splitDots(path)
		for _, k := range keys[:len(keys)-1] {
			at = at["properties"].(map[string]any)[k].(map[string]any)
		}
		at["properties"].(map[string]any)[keys[len(keys)-1]] = sub
	}
	return s
}

func relax(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			switch k {
			case "required":
			case "type":
				out[k] = nullable(e)
			default:
				out[k] = relax(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = relax(e)
		}
		return out
	}
	return v
}

func nullable(t any) any {
	switch x := t.(type) {
	case string:
		if x == "null" {
			return x
		}
		return []any{x, "null"}
	case []any:
		if slices.Contains(x, any("null")) {
			return x
		}
		return append(slices.Clone(x), "null")
	}
	return t
}

func splitDots(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}
