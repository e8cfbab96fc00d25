package sse

import (
	"bytes"
	"io"
)

// DefaultMaxEvent bounds a line and an event's data: model chunks are a few
// hundred bytes; a whole function call's arguments may be some kilobytes.
const DefaultMaxEvent = 1 << 20

// Event is one dispatched event.
type Event struct {
	Name string // the event: field, "" when absent (the spec's "message")
	Data []byte // data: lines joined with "\n"; valid until the next call to Next
}

// Reader parses a text/event-stream (WHATWG HTML §9.2): lines end with LF,
// CRLF or CR; a blank line dispatches the event; "field: value" with or
// without the space; ":" starts a comment; id: and retry: are ignored.
// Unlike the spec it also dispatches a final event not followed by a blank
// line, for servers that end the stream early; a truncated JSON payload then
// fails to decode rather than vanishing.
type Reader struct {
	src     io.Reader
	max     int
	buf     []byte
	r, w    int
	err     error // sticky error from src
	skipLF  bool  // the previous line ended with CR: a leading LF belongs to it
	started bool  // the optional BOM has been checked
	data    []byte
	hasData bool
	name    string
	reset   bool // data was handed out; clear it on the next call
}

// NewReader reads events from src; max bounds a line and an event's data
// (DefaultMaxEvent when max <= 0).
func NewReader(src io.Reader, max int) *Reader {
	if max <= 0 {
		max = DefaultMaxEvent
	}
	return &Reader{src: src, max: max, buf: make([]byte, min(4096, max+1))}
}

// Next returns the next event with data. It returns io.EOF at the end of
// the stream, ErrTooLong for oversized input, or the source's error.
func (r *Reader) Next() (Event, error) {
	if r.reset {
		r.data, r.hasData, r.name, r.reset = r.data[:0], false, "", false
	}
	for {
		line, err := r.line()
		if err != nil {
			if err == io.EOF && r.hasData {
				return r.dispatch(), nil
			}
			return Event{}, err
		}
		if len(line) == 0 {
			if r.hasData {
				return r.dispatch(), nil
			}
			r.name = ""
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			if len(r.data)+len(value)+1 > r.max {
				return Event{}, ErrTooLong
			}
			if r.hasData {
				r.data = append(r.data, '\n')
			}
			r.data = append(r.data, value...)
			r.hasData = true
		case "event":
			if string(value) != r.name { // reuses the string for repeated names
				r.name = string(value)
			}
		}
	}
}

func (r *Reader) dispatch() Event {
	r.reset = true
	return Event{Name: r.name, Data: r.data}
}

// line returns the next line without its terminator; it is valid until the
// next call. A last line without a terminator is returned before io.EOF.
func (r *Reader) line() ([]byte, error) {
	if !r.started {
		for r.w < 3 && r.w < len(r.buf) && r.err == nil {
			r.fill()
		}
		if bytes.HasPrefix(r.buf[:r.w], []byte("\xEF\xBB\xBF")) {
			r.r = 3
		}
		r.started = true
	}
	for {
		if r.skipLF && r.r < r.w {
			if r.buf[r.r] == '\n' {
				r.r++
			}
			r.skipLF = false
		}
		b := r.buf[r.r:r.w]
		nl := bytes.IndexByte(b, '\n')
		cr := -1
		if nl >= 0 {
			cr = bytes.IndexByte(b[:nl], '\r')
		} else {
			cr = bytes.IndexByte(b, '\r')
		}
		switch {
		case cr >= 0:
			switch {
			case cr+1 < len(b) && b[cr+1] == '\n':
				r.r += cr + 2
			case cr+1 == len(b):
				r.r += cr + 1
				r.skipLF = true // an LF may follow in the next read
			default:
				r.r += cr + 1
			}
			return b[:cr], nil
		case nl >= 0:
			r.r += nl + 1
			return b[:nl], nil
		}
		if len(b) > r.max {
			return nil, ErrTooLong
		}
		if r.err != nil {
			if len(b) > 0 {
				r.r = r.w
				return b, nil
			}
			return nil, r.err
		}
		r.fill()
	}
}

// fill reads more input, compacting or growing the buffer first.
func (r *Reader) fill() {
	if r.r > 0 {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	if r.w == len(r.buf) {
		nb := make([]byte, min(2*len(r.buf), r.max+1))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	n, err := r.src.Read(r.buf[r.w:])
	r.w += n
	if err != nil {
		r.err = err
	}
}
