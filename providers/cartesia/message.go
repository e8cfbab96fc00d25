package cartesia

import (
	"fmt"

	"github.com/switchboard-voice/switchboard/providers/internal/jsonscan"
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
	s := jsonscan.New(data)
	var badAudio error
	s.Object(func(k []byte) {
		if s.Null() {
			return
		}
		switch string(k) {
		case "type":
			switch string(s.Str()) {
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
			m.contextID = s.Str()
		case "data":
			audio, err := s.Base64(m.audio)
			if err != nil {
				badAudio = err
			}
			m.audio = audio
		case "done":
			m.done = s.Boolean()
		case "status_code":
			m.status = int(s.Num())
		case "word_timestamps":
			s.Object(func(k []byte) {
				switch string(k) {
				case "words":
					m.words = m.words[:0]
					s.Array(func() { m.words = append(m.words, s.Str()) })
				case "start":
					m.starts = m.starts[:0]
					s.Array(func() { m.starts = append(m.starts, s.Num()) })
				case "end":
					m.ends = m.ends[:0]
					s.Array(func() { m.ends = append(m.ends, s.Num()) })
				default:
					s.Skip()
				}
			})
		case "title":
			m.title = string(s.Str())
		case "message":
			m.text = string(s.Str())
		case "error_code":
			m.code = string(s.Str())
		default:
			s.Skip()
		}
	})
	if !s.Done() {
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
