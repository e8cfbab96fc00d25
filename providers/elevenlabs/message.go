package elevenlabs

import (
	"fmt"

	"github.com/switchboard-voice/switchboard/providers/internal/jsonscan"
)

// message is one server message of the stream-input socket:
//
//	{"audio":"<base64>","isFinal":null,"normalizedAlignment":{...},"alignment":{...}}
//	{"isFinal":true}
//	{"message":"...","error":"input_timeout_exceeded","code":1008}
//
// It is decoded into buffers reused from one message to the next.
type message struct {
	audio []byte // decoded audio, in the requested output format
	final bool
	// align is the alignment of the original text if present, else the
	// normalized one; chars alias the message's bytes.
	align     alignment
	norm      alignment
	errorCode string // set when the service reports an error
	errorText string
}

// alignment is character timing relative to the start of its chunk's audio.
type alignment struct {
	chars  [][]byte
	starts []float64 // ms
	durs   []float64 // ms
}

func (a *alignment) reset() {
	a.chars, a.starts, a.durs = a.chars[:0], a.starts[:0], a.durs[:0]
}

// len is the number of characters with complete timing.
func (a *alignment) len() int { return min(len(a.chars), len(a.starts), len(a.durs)) }

// parse decodes data into m.
func (m *message) parse(data []byte) error {
	m.audio, m.final, m.errorCode, m.errorText = m.audio[:0], false, "", ""
	m.align.reset()
	m.norm.reset()
	s := jsonscan.New(data)
	var badAudio error
	s.Object(func(k []byte) {
		switch string(k) {
		case "audio":
			if s.Null() {
				return
			}
			audio, err := s.Base64(m.audio)
			if err != nil {
				badAudio = err
			}
			m.audio = audio
		case "isFinal":
			m.final = s.Boolean()
		case "alignment":
			readAlignment(&s, &m.align)
		case "normalizedAlignment":
			readAlignment(&s, &m.norm)
		case "error":
			if !s.Null() {
				m.errorCode = string(s.Str())
			}
		case "message":
			if !s.Null() {
				m.errorText = string(s.Str())
			}
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
	if m.align.len() == 0 {
		m.align, m.norm = m.norm, m.align
	}
	return nil
}

// readAlignment reads an alignment object or null. ElevenLabs' examples spell
// the durations charDurationsMs and its SDK schema charsDurationsMs: both
// are accepted.
func readAlignment(s *jsonscan.Scanner, a *alignment) {
	a.reset() // a repeated key replaces the earlier one
	if s.Null() {
		return
	}
	s.Object(func(k []byte) {
		switch string(k) {
		case "chars":
			a.chars = a.chars[:0]
			s.Array(func() { a.chars = append(a.chars, s.Str()) })
		case "charStartTimesMs":
			a.starts = a.starts[:0]
			s.Array(func() { a.starts = append(a.starts, s.Num()) })
		case "charDurationsMs", "charsDurationsMs":
			a.durs = a.durs[:0]
			s.Array(func() { a.durs = append(a.durs, s.Num()) })
		default:
			s.Skip()
		}
	})
}
