package deepgram

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting when skipping values we do not read, so hostile
// input cannot exhaust the stack.
const maxDepth = 64

// decoder walks one JSON document in place. Deepgram sends a few message
// shapes at a high rate; reading the fields we need by hand avoids
// encoding/json's reflection and most of its allocations (see the
// benchmarks). Typed reads are lenient where providers are known to vary:
// numbers may arrive quoted, and null reads as the zero value.
type decoder struct {
	data    []byte
	pos     int
	depth   int
	scratch []byte // unescaped key bytes
}

func (d *decoder) reset(data []byte) {
	d.data, d.pos, d.depth = data, 0, 0
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next significant byte, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) consume(c byte) bool {
	if d.peek() == c {
		d.pos++
		return true
	}
	return false
}

func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// end checks that nothing but whitespace follows the document.
func (d *decoder) end() error {
	if d.peek() != 0 || d.pos != len(d.data) {
		return ErrMalformed
	}
	return nil
}

// object reads an object, calling field for each member with the decoder
// positioned at its value; field must consume the value. A null reads as
// an empty object.
func (d *decoder) object(field func(key []byte) error) error {
	if d.peek() == 'n' {
		return d.null()
	}
	if !d.consume('{') {
		return ErrMalformed
	}
	if d.depth++; d.depth > maxDepth {
		return ErrMalformed
	}
	if d.consume('}') {
		d.depth--
		return nil
	}
	for {
		if d.peek() != '"' {
			return ErrMalformed
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		if !d.consume(':') {
			return ErrMalformed
		}
		if err := field(key); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume('}') {
			d.depth--
			return nil
		}
		return ErrMalformed
	}
}

// array reads an array, calling elem with the decoder positioned at each
// element; elem must consume it. A null reads as an empty array.
func (d *decoder) array(elem func(i int) error) error {
	if d.peek() == 'n' {
		return d.null()
	}
	if !d.consume('[') {
		return ErrMalformed
	}
	if d.depth++; d.depth > maxDepth {
		return ErrMalformed
	}
	if d.consume(']') {
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume(']') {
			d.depth--
			return nil
		}
		return ErrMalformed
	}
}

func (d *decoder) null() error {
	d.ws()
	if d.literal("null") {
		return nil
	}
	return ErrMalformed
}

// key returns a member name. Without escapes it aliases the input; with
// them it is unescaped into scratch, valid until the next key.
func (d *decoder) key() ([]byte, error) {
	raw, escaped, err := d.rawString()
	if err != nil || !escaped {
		return raw, err
	}
	d.scratch, err = unescape(d.scratch[:0], raw)
	return d.scratch, err
}

// str reads a string (null reads as "").
func (d *decoder) str() (string, error) {
	switch d.peek() {
	case 'n':
		return "", d.null()
	case '"':
	default:
		return "", ErrMalformed
	}
	raw, escaped, err := d.rawString()
	if err != nil {
		return "", err
	}
	if !escaped {
		return string(raw), nil
	}
	b, err := unescape(make([]byte, 0, len(raw)), raw)
	return string(b), err
}

// rawString reads a quoted string and returns its bytes between the quotes,
// still escaped, and whether it holds escapes.
func (d *decoder) rawString() (raw []byte, escaped bool, err error) {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, false, ErrMalformed
	}
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return d.data[start:i], escaped, nil
		case c == '\\':
			escaped = true
			i++ // the escaped byte cannot end the string
			if i >= len(d.data) {
				return nil, false, ErrMalformed
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(d.data[i+1:]); !ok {
					return nil, false, ErrMalformed
				}
				i += 4
			default:
				return nil, false, ErrMalformed
			}
		case c < 0x20:
			return nil, false, ErrMalformed
		}
	}
	return nil, false, ErrMalformed
}

// unescape appends the decoded form of an escaped JSON string body to dst.
// Invalid surrogates become U+FFFD, as encoding/json does.
func unescape(dst, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(raw) {
			return dst, ErrMalformed
		}
		switch raw[i] {
		case '"', '\\', '/':
			dst = append(dst, raw[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return dst, ErrMalformed
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if v, ok := hex4(raw[i+3:]); ok {
						r2 = v
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, ErrMalformed
		}
	}
	return dst, nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number returns the bytes of a JSON number, validated by the grammar.
func (d *decoder) number() ([]byte, error) {
	d.ws()
	start, i := d.pos, d.pos
	digits := func() bool {
		n := i
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	switch {
	case i < len(d.data) && d.data[i] == '0':
		i++
	case !digits():
		return nil, ErrMalformed
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if !digits() {
			return nil, ErrMalformed
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if !digits() {
			return nil, ErrMalformed
		}
	}
	d.pos = i
	return d.data[start:i], nil
}

// float reads a number; a quoted number or null is accepted too.
func (d *decoder) float() (float64, error) {
	switch d.peek() {
	case 'n':
		return 0, d.null()
	case '"':
		raw, _, err := d.rawString()
		if err != nil {
			return 0, err
		}
		// the quoted text must itself be a JSON number: ParseFloat alone
		// would take "NaN", "Inf" and hex
		sub := decoder{data: raw}
		if n, err := sub.number(); err != nil || len(n) != len(raw) {
			return 0, ErrMalformed
		}
		return parseFloat(raw), nil
	}
	raw, err := d.number()
	if err != nil {
		return 0, err
	}
	return parseFloat(raw), nil
}

// parseFloat converts bytes the grammar accepted. Out of range values come
// back as ±Inf or 0, which callers clamp.
func parseFloat(num []byte) float64 {
	f, _ := strconv.ParseFloat(string(num), 64)
	return f
}

// boolean reads true or false; null and quoted forms are accepted too.
func (d *decoder) boolean() (bool, error) {
	switch d.peek() {
	case 't':
		if d.literal("true") {
			return true, nil
		}
	case 'f':
		if d.literal("false") {
			return false, nil
		}
	case 'n':
		return false, d.null()
	case '"':
		raw, _, err := d.rawString()
		if err != nil {
			return false, err
		}
		switch string(raw) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, ErrMalformed
}

// skip consumes any value.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(func(int) error { return d.skip() })
	case c == '"':
		_, _, err := d.rawString()
		return err
	case c == 't':
		if d.literal("true") {
			return nil
		}
	case c == 'f':
		if d.literal("false") {
			return nil
		}
	case c == 'n':
		return d.null()
	case c == '-' || ('0' <= c && c <= '9'):
		_, err := d.number()
		return err
	}
	return ErrMalformed
}
