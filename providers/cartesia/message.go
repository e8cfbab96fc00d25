package cartesia

import (
	"encoding/base64"
	"fmt"
)

// kind is a server message's type.
type kind uint8

const (
	kindOther      kind = iota // flush_done, phoneme_timestamps, anything new
	kindChunk                  // audio
	kindTimestamps             // word timings
	kindDone                   // the context is complete
	kindError                  // the context failed
)

// message is one server message, keyed by context_id:
//
//	{"type":"chunk","data":"<base64>","done":false,"status_code":206,"step_time":…,"context_id":…}
//	{"type":"timestamps","word_timestamps":{"words":[…],"start":[…],"end":[…]},"context_id":…}
//	{"type":"done","done":true,"status_code":206,"context_id":…}
//	{"type":"error","done":true,"title":…,"message":…,"error_code":…,"status_code":400,"context_id":…}
//
// It is decoded into buffers reused from one message to the next; byte
// slices alias the message.
type message struct {
	kind      kind
	contextID []byte
	audio     []byte
	done      bool
	status    int
	words     [][]byte
	starts    []float64 // seconds from the start of the context's audio
	ends      []float64
	title     string
	text      string
	code      string
}

// parse decodes data into m.
func (m *message) parse(data []byte) error {
	*m = message{audio: m.audio[:0], words: m.words[:0], starts: m.starts[:0], ends: m.ends[:0]}
	s := scanner{b: data}
	var badAudio error
	s.object(func(k []byte) {
		if s.null() {
			return
		}
		switch string(k) {
		case "type":
			switch string(s.str()) {
			case "chunk":
				m.kind = kindChunk
			case "timestamps":
				m.kind = kindTimestamps
			case "done":
				m.kind = kindDone
			case "error":
				m.kind = kindError
			}
		case "context_id":
			m.contextID = s.str()
		case "data":
			raw := s.str()
			n := base64.StdEncoding.DecodedLen(len(raw))
			if cap(m.audio) < n {
				m.audio = make([]byte, n)
			}
			n, err := base64.StdEncoding.Decode(m.audio[:n], raw)
			if err != nil {
				badAudio = err
			}
			m.audio = m.audio[:n]
		case "done":
			m.done = s.boolean()
		case "status_code":
			m.status = int(s.num())
		case "word_timestamps":
			s.object(func(k []byte) {
				switch string(k) {
				case "words":
					m.words = m.words[:0]
					s.array(func() { m.words = append(m.words, s.str()) })
				case "start":
					m.starts = m.starts[:0]
					s.array(func() { m.starts = append(m.starts, s.num()) })
				case "end":
					m.ends = m.ends[:0]
					s.array(func() { m.ends = append(m.ends, s.num()) })
				default:
					s.skip()
				}
			})
		case "title":
			m.title = string(s.str())
		case "message":
			m.text = string(s.str())
		case "error_code":
			m.code = string(s.str())
		default:
			s.skip()
		}
	})
	if s.err || s.peek() != 0 {
		return fmt.Errorf("%w: not a JSON object of the expected shape", ErrProtocol)
	}
	if badAudio != nil {
		return fmt.Errorf("%w: audio: %v", ErrProtocol, badAudio)
	}
	return nil
}

// err is the error an error message reports.
func (m *message) err() error {
	text := m.text
	if text == "" {
		text = m.title
	}
	if m.code != "" {
		text = m.code + ": " + text
	}
	return fmt.Errorf("%w: %w", ErrService, &StatusError{StatusCode: m.status, Message: text})
}
