package telephony

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanner(t *testing.T) {
	var sc Scanner
	doc := ` { "a" : "x\/y" , "n": "42", "m": 7, "f": 1.5e2, "b": true, "z": null,
		"o": {"deep": [1, {"k": "v"}, "s"]}, "e": "", "u": "\u00e9" } `
	got := map[string]any{}
	sc.Reset([]byte(doc))
	sc.Object(func(k []byte) {
		switch string(k) {
		case "a", "e", "u":
			got[string(k)] = sc.Text()
		case "n", "m", "f":
			got[string(k)] = sc.Int()
		case "b":
			got["b"] = sc.Bool()
		default:
			sc.Skip()
		}
	})
	if err := sc.End(); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": "x/y", "e": "", "u": "é", "n": int64(42), "m": int64(7), "f": int64(150), "b": true}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":"` + "\x01" + `"}`,
		`[` + strings.Repeat(`{"a":[`, 40) + `]`, `{"a":tru}`, `{"a":"unterminated}`} {
		sc.Reset([]byte(bad))
		sc.Object(func([]byte) { sc.Skip() })
		if err := sc.End(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "ctl\x00\x1f", "uni é ☎", "bad \xff utf8", "\u2028"} {
		var back string
		b := AppendJSONString(nil, s)
		if err := json.Unmarshal(b, &back); err != nil || back != strings.ToValidUTF8(s, "\uFFFD") {
			t.Errorf("%q → %s → %q, %v", s, b, back, err)
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"event":"media","media":{"payload":"AAAA","chunk":"1"}}`, `{"a":[1,{"b":null}],"c":"\u0041"}`, `{}`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var sc Scanner
		sc.Reset(b)
		sc.Object(func([]byte) { sc.Skip() })
		err := sc.End()
		// Every valid JSON object within the depth limit is read (the
		// scanner is lenient about number syntax, so not the converse).
		var obj map[string]any
		if json.Unmarshal(b, &obj) == nil && obj != nil && depth(b) <= maxJSONDepth && err != nil {
			t.Fatalf("refused %q: %v", b, err)
		}
	})
}

// depth is the deepest nesting of a valid JSON document.
func depth(b []byte) int {
	d, deepest := 0, 0
	dec := json.NewDecoder(strings.NewReader(string(b)))
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			d++
			deepest = max(deepest, d)
		case json.Delim('}'), json.Delim(']'):
			d--
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("mark:1")
	f.Add("\x00\"\\\u2028é\xff")
	f.Fuzz(func(t *testing.T, s string) {
		// As encoding/json: every invalid byte becomes U+FFFD.
		var back, want string
		if err := json.Unmarshal(AppendJSONString(nil, s), &back); err != nil {
			t.Fatal(err)
		}
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &want)
		if !utf8.ValidString(back) || back != want {
			t.Fatalf("%q came back %q, want %q", s, back, want)
		}
	})
}
