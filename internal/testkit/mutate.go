package testkit

import (
	"encoding/json"
	"slices"
	"strconv"
)

// Mutations returns copies of a JSON value (maps, slices and scalars as
// decoded) each with one change: every object member removed or set to
// each probe, an unknown member added to every object, every array
// element set to each probe, and every array doubled. Tests compare two
// judges of validity (a validator and the code it describes) over them.
func Mutations(doc any, probes []any) []any {
	var out []any
	var walk func(v any, set func(any) any)
	walk = func(v any, set func(any) any) {
		switch x := v.(type) {
		case map[string]any:
			out = append(out, set(withMember(x, "unknown_member", json.Number("1"))))
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				removed := withMember(x, k, nil)
				delete(removed, k)
				out = append(out, set(removed))
				for _, p := range probes {
					out = append(out, set(withMember(x, k, p)))
				}
				walk(x[k], func(nv any) any { return set(withMember(x, k, nv)) })
			}
		case []any:
			for i := range x {
				for _, p := range probes {
					out = append(out, set(withElement(x, i, p)))
				}
				walk(x[i], func(nv any) any { return set(withElement(x, i, nv)) })
			}
			out = append(out, set(append(slices.Clone(x), x...)))
		}
	}
	walk(doc, func(v any) any { return v })
	return out
}

func withMember(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, e := range m {
		out[key] = e
	}
	out[k] = v
	return out
}

func withElement(a []any, i int, v any) []any {
	out := slices.Clone(a)
	out[i] = v
	return out
}

// Probes are values of every JSON kind and of the shapes validation rules
// look at: blank, long, URL-like, E.164-like, path-like, numbers around
// common bounds.
func Probes(extra ...any) []any {
	return append([]any{nil, "", " ", "x", "yyyyyyyyyyyy", "https://a.example", "ftp://a", "+14155550100", "12",
		"../up", "Bad-Key", json.Number("0"), json.Number("1"), json.Number("-1"), json.Number("0.5"), json.Number("2"),
		json.Number("7"), json.Number("8000"), json.Number("1e6"), json.Number(strconv.Itoa(1 << 40)), true,
		map[string]any{}, []any{}, []any{"x"}, map[string]any{"type": "object"}, map[string]any{"Bad-Key": "v"}}, extra...)
}
