package telephony

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Scanner reads carrier JSON frames without reflection: a media frame
// arrives every 20 ms on every call, and its base64 payload, most of its
// bytes, is found with a byte search instead of being decoded into a
// struct. It is lenient where JSON allows variation (whitespace, key order,
// unknown keys, numbers sent as strings) and records the first error.
//
// Object calls its function with each key; the function must consume the
// value (String, Text, Int, Bool, Object or Skip).
type Scanner struct {
	b     []byte
	i     int
	depth int
	err   error
}

const maxJSONDepth = 32

// Reset starts scanning b.
func (s *Scanner) Reset(b []byte) { *s = Scanner{b: b} }

// Err is the first error met, nil if none.
func (s *Scanner) Err() error { return s.err }

func (s *Scanner) fail(what string) {
	if s.err == nil {
		s.err = &JSONError{Offset: s.i, What: what}
	}
}

// JSONError locates a malformed frame's problem (never its content).
type JSONError struct {
	Offset int
	What   string
}

func (e *JSONError) Error() string { return "json: " + e.What + " at offset " + strconv.Itoa(e.Offset) }

// Unwrap makes every JSONError an ErrMalformed.
func (e *JSONError) Unwrap() error { return ErrMalformed }

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *Scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Peek returns the next non-space byte without consuming it, 0 at the end.
func (s *Scanner) Peek() byte { return s.peek() }

func (s *Scanner) eat(c byte) bool {
	if s.err == nil && s.peek() == c {
		s.i++
		return true
	}
	return false
}

// Object walks an object, calling fn with each key.
func (s *Scanner) Object(fn func(key []byte)) {
	if !s.eat('{') {
		s.fail("object expected")
		return
	}
	if s.depth++; s.depth > maxJSONDepth {
		s.fail("too deep")
		return
	}
	defer func() { s.depth-- }()
	if s.eat('}') {
		return
	}
	for s.err == nil {
		key := s.String()
		if !s.eat(':') {
			s.fail("colon expected")
			return
		}
		start := s.i
		fn(key)
		if s.err == nil && s.i == start {
			s.fail("value not consumed")
		}
		if s.eat(',') {
			continue
		}
		if !s.eat('}') {
			s.fail("comma or end of object expected")
		}
		return
	}
}

// StringField reads an object for the string under key, skipping the
// rest; nil if the object has none.
func (s *Scanner) StringField(key string) []byte {
	var v []byte
	s.Object(func(k []byte) {
		if string(k) == key {
			v = s.String()
		} else {
			s.Skip()
		}
	})
	return v
}

// String reads a string. The result aliases the frame unless it held
// escapes; nil on error.
func (s *Scanner) String() []byte {
	if !s.eat('"') {
		s.fail("string expected")
		return nil
	}
	start := s.i
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		s.fail("unterminated string")
		return nil
	}
	raw := s.b[start : start+end]
	if bytes.IndexByte(raw, '\\') < 0 {
		if hasControl(raw) {
			s.fail("control character in string")
			return nil
		}
		s.i = start + end + 1
		return raw
	}
	// Escapes (rare: "\/" from some encoders): find the real closing
	// quote, then let encoding/json unescape.
	j := start
	for j < len(s.b) && s.b[j] != '"' {
		if s.b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(s.b) {
		s.fail("unterminated string")
		return nil
	}
	var out string
	if err := json.Unmarshal(s.b[start-1:j+1], &out); err != nil {
		s.fail("bad string escape")
		return nil
	}
	s.i = j + 1
	return []byte(out)
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// Text reads a string as a Go string.
func (s *Scanner) Text() string { return string(s.String()) }

// Int reads an integer, sent as a number or as a string of digits (Twilio
// sends sequence numbers as strings, Plivo as numbers).
func (s *Scanner) Int() int64 {
	var digits []byte
	if s.peek() == '"' {
		digits = s.String()
	} else {
		digits = s.number()
	}
	if s.err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		// JSON numbers may be written 1.0 or 1e3; keep the integer part.
		f, ferr := strconv.ParseFloat(string(digits), 64)
		if ferr != nil || f != f || f > 1<<62 || f < -(1<<62) {
			s.fail("integer expected")
			return 0
		}
		return int64(f)
	}
	return n
}

func (s *Scanner) number() []byte {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if s.i == start {
		s.fail("number expected")
		return nil
	}
	return s.b[start:s.i]
}

// Bool reads true or false (or a string holding either).
func (s *Scanner) Bool() bool {
	switch s.peek() {
	case 't':
		return s.literal("true")
	case 'f':
		s.literal("false")
		return false
	case '"':
		return string(s.String()) == "true"
	}
	s.fail("boolean expected")
	return false
}

func (s *Scanner) literal(lit string) bool {
	if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		s.i += len(lit)
		return true
	}
	s.fail("bad literal")
	return false
}

// Skip reads any value.
func (s *Scanner) Skip() {
	switch s.peek() {
	case '{':
		s.Object(func([]byte) { s.Skip() })
	case '[':
		s.Array(func() { s.Skip() })
	case '"':
		s.String()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		s.number()
	}
}

// Array walks an array, calling fn once per element, which it must consume.
func (s *Scanner) Array(fn func()) {
	if !s.eat('[') {
		s.fail("array expected")
		return
	}
	if s.depth++; s.depth > maxJSONDepth {
		s.fail("too deep")
		return
	}
	defer func() { s.depth-- }()
	if s.eat(']') {
		return
	}
	for s.err == nil {
		start := s.i
		fn()
		if s.err == nil && s.i == start {
			s.fail("value not consumed")
		}
		if s.eat(',') {
			continue
		}
		if !s.eat(']') {
			s.fail("comma or end of array expected")
		}
		return
	}
}

// End checks that nothing but whitespace follows the document.
func (s *Scanner) End() error {
	if s.err == nil && s.peek() != 0 {
		s.fail("trailing data")
	}
	return s.err
}

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 is
// replaced, as encoding/json does.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			dst = append(dst, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return append(dst, '"')
}
