package typeddoc

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// TextError locates a string in a document that cannot be stored as text:
// bytes that are not UTF-8 (encoding/json would silently replace them) or
// a NUL character (PostgreSQL's text and jsonb refuse it).
type TextError struct {
	Loc []any // member names and array indexes from the root
	Msg string
}

func (e *TextError) Error() string {
	return FieldError{Loc: e.Loc, Msg: e.Msg}.Path() + ": " + e.Msg
}

// Text problems.
const (
	msgNotUTF8 = "must be valid UTF-8"
	msgNUL     = "must not contain NUL characters (\\u0000)"
)

// checkText finds the first string (member name or value) of data, decoded
// as v, that cannot be stored as text.
func checkText(data []byte, v any) *TextError {
	if at := invalidUTF8(data); at >= 0 {
		return &TextError{Loc: locAt(data, at), Msg: msgNotUTF8}
	}
	if loc, ok := nulLoc(v, nil); ok {
		return &TextError{Loc: loc, Msg: msgNUL}
	}
	return nil
}

// CheckText reports whether s can be stored as text (nil) or why not.
func CheckText(s string) *TextError {
	switch {
	case !utf8.ValidString(s):
		return &TextError{Msg: msgNotUTF8}
	case strings.IndexByte(s, 0) >= 0:
		return &TextError{Msg: msgNUL}
	}
	return nil
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// nulLoc finds a string holding NUL in a decoded value.
func nulLoc(v any, loc []any) ([]any, bool) {
	switch v := v.(type) {
	case string:
		return loc, strings.IndexByte(v, 0) >= 0
	case map[string]any:
		for k, e := range v {
			at := append(loc[:len(loc):len(loc)], k)
			if strings.IndexByte(k, 0) >= 0 {
				return at, true
			}
			if l, ok := nulLoc(e, at); ok {
				return l, true
			}
		}
	case []any:
		for i, e := range v {
			if l, ok := nulLoc(e, append(loc[:len(loc):len(loc)], i)); ok {
				return l, true
			}
		}
	}
	return nil, false
}

// level is one open object or array while locating an offset.
type level struct {
	object bool
	key    string // object: the member being read
	hasKey bool   // object: its name is read, its value comes next
	index  int    // array: the element being read
}

// locAt is the location of the token of valid JSON data that holds byte
// offset at.
func locAt(data []byte, at int) []any {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []level
	loc := func() []any {
		var out []any
		for _, l := range stack {
			switch {
			case !l.object:
				out = append(out, l.index)
			case l.hasKey:
				out = append(out, l.key)
			}
		}
		return out
	}
	next := func() { // the value at the top of the stack is read
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].hasKey = false
			} else {
				stack[n-1].index++
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return loc()
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				stack = append(stack, level{object: d == '{'})
			} else {
				stack = stack[:len(stack)-1]
				next()
			}
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object && !stack[n-1].hasKey {
			stack[n-1].key, stack[n-1].hasKey = tok.(string), true
			if int(dec.InputOffset()) > at {
				return loc()
			}
			continue
		}
		if int(dec.InputOffset()) > at {
			return loc()
		}
		next()
	}
}
