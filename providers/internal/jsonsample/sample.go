// Package jsonsample makes up a JSON value that follows a JSON Schema, the
// way a model in structured-output mode answers: the language model fakes
// use it when a script gives no structured answer of its own.
//
// It covers what structured outputs use: type (or a list of types),
// properties (every one, required or not, until a recursive schema runs
// deep: then only the required ones), items, enum, const, default,
// examples, anyOf, oneOf, allOf (the first), local $ref, string lengths
// and formats, number bounds and multipleOf, array lengths, and Gemini's
// upper-case types and nullable. A pattern is not followed.
package jsonsample

import (
	"math"
	"strings"
)

// Recursion through $ref cycles: past optionalDepth only required
// properties are filled in, past maxDepth nothing. Sizes a schema asks for
// are capped: a request cannot make a fake build a huge value.
const (
	optionalDepth = 8
	maxDepth      = 32
	maxItems      = 64
	maxLength     = 4096
)

// Sample returns a value following schema, made of plain JSON values
// (map[string]any, []any, string, float64, bool, nil).
func Sample(schema map[string]any) any {
	s := sampler{root: schema}
	return s.value(schema, "", 0)
}

type sampler struct {
	root map[string]any
}

// value samples s; name is the property it is for ("" at the root).
func (s sampler) value(sch map[string]any, name string, depth int) any {
	if depth > maxDepth {
		return nil
	}
	if ref, ok := sch["$ref"].(string); ok {
		if target := s.resolve(ref); target != nil {
			return s.value(target, name, depth+1)
		}
		return nil
	}
	if v, ok := sch["const"]; ok {
		return v
	}
	if list, ok := sch["enum"].([]any); ok && len(list) > 0 {
		return list[0]
	}
	if v, ok := sch["default"]; ok {
		return v
	}
	if list, ok := sch["examples"].([]any); ok && len(list) > 0 {
		return list[0]
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if list, ok := sch[k].([]any); ok && len(list) > 0 {
			if first, ok := list[0].(map[string]any); ok {
				return s.value(first, name, depth+1)
			}
		}
	}
	switch typeOf(sch) {
	case "object":
		return s.object(sch, depth)
	case "array":
		return s.array(sch, name, depth)
	case "string":
		return str(sch, name)
	case "integer":
		return number(sch, true)
	case "number":
		return number(sch, false)
	case "boolean":
		return true
	case "null":
		return nil
	}
	return nil
}

// typeOf is a schema's type: the first of a list that is not null, in
// lower case; an object when it has properties and no type.
func typeOf(sch map[string]any) string {
	switch t := sch["type"].(type) {
	case string:
		return strings.ToLower(t)
	case []any:
		for _, e := range t {
			if name, ok := e.(string); ok && !strings.EqualFold(name, "null") {
				return strings.ToLower(name)
			}
		}
		if len(t) > 0 {
			return "null"
		}
	}
	if _, ok := sch["properties"]; ok {
		return "object"
	}
	return ""
}

func (s sampler) object(sch map[string]any, depth int) map[string]any {
	out := map[string]any{}
	props, _ := sch["properties"].(map[string]any)
	required := map[string]bool{}
	if list, ok := sch["required"].([]any); ok {
		for _, r := range list {
			if name, ok := r.(string); ok {
				required[name] = true
			}
		}
	}
	for name, p := range props {
		if ps, ok := p.(map[string]any); ok && (depth < optionalDepth || required[name]) {
			out[name] = s.value(ps, name, depth+1)
		}
	}
	return out
}

func (s sampler) array(sch map[string]any, name string, depth int) []any {
	n := min(max(intKeyword(sch, "minItems", 1), 1), maxItems)
	if m, ok := sch["maxItems"].(float64); ok && m >= 0 {
		n = min(n, int(min(m, maxItems)))
	}
	out := make([]any, 0, n)
	items, _ := sch["items"].(map[string]any)
	for range n {
		if items == nil {
			out = append(out, str(nil, name))
			continue
		}
		out = append(out, s.value(items, name, depth+1))
	}
	return out
}

// formats are values of the string formats structured outputs document.
var formats = map[string]string{
	"date-time": "2026-01-01T09:00:00Z",
	"date":      "2026-01-01",
	"time":      "09:00:00Z",
	"duration":  "PT1M",
	"email":     "caller@example.com",
	"hostname":  "example.com",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
	"uri":       "https://example.com/",
	"uuid":      "00000000-0000-4000-8000-000000000000",
}

// str is "example <name>", fitted to the length bounds.
func str(sch map[string]any, name string) string {
	if f, ok := sch["format"].(string); ok && formats[f] != "" {
		return formats[f]
	}
	out := "example"
	if name != "" {
		out += " " + name
	}
	if n := min(intKeyword(sch, "minLength", 0), maxLength); len(out) < n {
		out += strings.Repeat("x", n-len(out))
	}
	if m, ok := sch["maxLength"].(float64); ok && m >= 0 && float64(len(out)) > m {
		out = out[:int(m)]
	}
	return out
}

// number is the smallest value the bounds and multipleOf allow, from 1
// when there is no lower bound.
func number(sch map[string]any, integer bool) float64 {
	lo, exclusive := 1.0, false
	if v, ok := sch["minimum"].(float64); ok {
		lo = v
	}
	if v, ok := sch["exclusiveMinimum"].(float64); ok && v >= lo {
		lo, exclusive = v, true
	}
	step := 1.0
	if v, ok := sch["multipleOf"].(float64); ok && v > 0 {
		step = v
	} else if !integer {
		step = 0.5
	}
	v := math.Ceil(lo/step) * step
	if exclusive && v <= lo {
		v += step
	}
	if integer {
		v = math.Ceil(v)
	}
	if hi, ok := sch["maximum"].(float64); ok && v > hi {
		v = hi
	}
	if math.IsInf(v, 0) || math.IsNaN(v) { // bounds beyond float64: no good answer
		return lo
	}
	return v
}

// intKeyword is a count keyword (minItems…), def when absent or negative,
// at most maxLength.
func intKeyword(sch map[string]any, k string, def int) int {
	if v, ok := sch[k].(float64); ok && v >= 0 {
		return int(min(v, maxLength))
	}
	return def
}

// resolve finds a local reference (#/$defs/x, #/definitions/x, #); any
// other is not followed.
func (s sampler) resolve(ref string) map[string]any {
	path, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	cur := s.root
	for _, part := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		if part == "" {
			continue
		}
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		next, ok := cur[part].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}
