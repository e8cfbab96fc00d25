package typeddoc

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeDocument: any bytes decode to a document whose every string
// can be stored as text, or are refused; a text problem is located at a
// member or element that exists in the document as encoding/json reads it.
func FuzzDecodeDocument(f *testing.F) {
	for _, s := range []string{`{"name":"a"}`, `{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}", `{"a":[1,{"b":["x","\u0000"]}]}`,
		"{\"\xc3\":1}", `{"k\u0000":{}}`, `{"a":{"b":{"c":[[],[null,"\u0000"]]}}}`, `[]`, `{"a":1}{}`, "{\"a\":\"\xed\xa0\x80\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := DecodeDocument(data)
		if err == nil {
			if !utf8.Valid(data) {
				t.Fatalf("bytes that are not UTF-8 accepted: %q", data)
			}
			if loc, bad := nulLoc(doc, nil); bad {
				t.Fatalf("NUL accepted at %v", loc)
			}
			return
		}
		te, ok := err.(*TextError)
		if !ok {
			return
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			t.Fatalf("text error %v for bytes encoding/json refuses", te)
		}
		for _, step := range te.Loc {
			switch k := step.(type) {
			case string:
				m, ok := v.(map[string]any)
				if !ok {
					t.Fatalf("loc %v: %q is not in an object", te.Loc, k)
				}
				if v, ok = m[k]; !ok {
					t.Fatalf("loc %v: no member %q", te.Loc, k)
				}
			case int:
				a, ok := v.([]any)
				if !ok || k >= len(a) {
					t.Fatalf("loc %v: no element %d", te.Loc, k)
				}
				v = a[k]
			}
		}
		if s, ok := v.(string); ok && te.Msg == msgNUL && !strings.Contains(s, "\x00") && !strings.Contains(te.Error(), "\x00") {
			t.Fatalf("loc %v names a string without NUL: %q", te.Loc, s)
		}
	})
}
