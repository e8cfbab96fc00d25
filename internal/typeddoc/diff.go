package typeddoc

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// Changed lists the dotted paths whose values differ between two
// documents: objects are compared key by key, arrays and scalars whole.
func Changed(before, after any) []string {
	var out []string
	diffValue(before, after, nil, &out)
	slices.Sort(out)
	return out
}

func diffValue(a, b any, at []string, out *[]string) {
	am, aObj := a.(map[string]any)
	bm, bObj := b.(map[string]any)
	if aObj && bObj {
		for k, av := range am {
			diffValue(av, bm[k], append(at, k), out)
		}
		for k, bv := range bm {
			if _, seen := am[k]; !seen {
				diffValue(nil, bv, append(at, k), out)
			}
		}
		return
	}
	if !equalValue(a, b) {
		*out = append(*out, strings.Join(at, "."))
	}
}

// equalValue compares document values; scalars directly, the rest deeply.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case nil, string, bool, json.Number:
		return a == b
	case []any:
		y, ok := b.([]any)
		return ok && reflect.DeepEqual(x, y)
	default:
		return reflect.DeepEqual(a, b)
	}
}
