// Package jsonscan reads the JSON messages of the TTS services without
// reflection.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Scanner reads a service's JSON messages without reflection: audio
// messages arrive many times a second on every call and their base64
// payload is most of their bytes, which a byte search skips over. It is
// lenient where JSON allows variation (whitespace, key order, unknown keys)
// and remembers anything malformed until Done.
type Scanner struct {
	b     []byte
	i     int
	depth int
	err   bool
}

const maxDepth = 32

// New returns a scanner over one message.
func New(b []byte) Scanner {
	return Scanner{b: b}
}

// Done reports whether the message was well formed and fully read.
func (s *Scanner) Done() bool {
	return !s.err && s.peek() == 0
}

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

func (s *Scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// Str reads a string and returns its contents, unescaped if needed. The
// result aliases the input unless it held escapes.
func (s *Scanner) Str() []byte {
	if !s.eat('"') {
		s.err = true
		return nil
	}
	start := s.i
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		s.err = true
		return nil
	}
	raw := s.b[start : start+end]
	if bytes.IndexByte(raw, '\\') < 0 {
		s.i = start + end + 1
		return raw
	}
	// An escape: find the real closing quote, then let encoding/json
	// unescape (rare: chars like " or \ in alignment, "\/" in base64).
	j := start
	for j < len(s.b) && s.b[j] != '"' {
		if s.b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(s.b) {
		s.err = true
		return nil
	}
	var v string
	if json.Unmarshal(s.b[start-1:j+1], &v) != nil {
		s.err = true
		return nil
	}
	s.i = j + 1
	return []byte(v)
}

// Null consumes a null and reports whether there was one.
func (s *Scanner) Null() bool {
	if s.peek() == 'n' && bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += 4
		return true
	}
	return false
}

// Boolean reads true, false or null (false).
func (s *Scanner) Boolean() bool {
	s.ws()
	switch {
	case bytes.HasPrefix(s.b[s.i:], []byte("true")):
		s.i += 4
		return true
	case bytes.HasPrefix(s.b[s.i:], []byte("false")):
		s.i += 5
	case !s.Null():
		s.err = true
	}
	return false
}

// Num reads a number. Plain decimals are parsed by hand, the rest by
// strconv.
func (s *Scanner) Num() float64 {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		s.i++
	}
	tok := s.b[start:s.i]
	if v, ok := decimal(tok); ok {
		return v
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		s.err = true
	}
	return v
}

// decimal parses [-]digits[.digits] with at most 15 significant digits.
func decimal(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n, scale float64 = 0, 1
	digits, frac := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + float64(c-'0')
			if frac {
				scale *= 10
			}
			digits++
		case c == '.' && !frac && digits > 0:
			frac = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 || b[len(b)-1] == '.' {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n / scale, true
}

// Object calls field for each key; field must consume the value.
func (s *Scanner) Object(field func(key []byte)) {
	if !s.eat('{') || s.depth >= maxDepth {
		s.err = true
		return
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.eat('}') {
		return
	}
	for !s.err {
		k := s.Str()
		if s.err || !s.eat(':') {
			s.err = true
			return
		}
		field(k)
		if s.eat(',') {
			continue
		}
		if !s.eat('}') {
			s.err = true
		}
		return
	}
}

// Array calls elem for each element; elem must consume it.
func (s *Scanner) Array(elem func()) {
	if !s.eat('[') || s.depth >= maxDepth {
		s.err = true
		return
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.eat(']') {
		return
	}
	for !s.err {
		elem()
		if s.eat(',') {
			continue
		}
		if !s.eat(']') {
			s.err = true
		}
		return
	}
}

// Skip consumes any value.
func (s *Scanner) Skip() {
	switch s.peek() {
	case '"':
		s.Str()
	case '{':
		s.Object(func([]byte) { s.Skip() })
	case '[':
		s.Array(s.Skip)
	case 't', 'f', 'n':
		s.Boolean()
	default:
		s.Num()
	}
}

// IsString reports whether the next value is a string, for fields a
// service sends as either a string or a number.
func (s *Scanner) IsString() bool { return s.peek() == '"' }
