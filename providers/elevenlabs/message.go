package elevenlabs

import (
	"encoding/base64"
	"fmt"
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
	s := scanner{b: data}
	var badAudio error
	s.object(func(k []byte) {
		switch string(k) {
		case "audio":
			if s.null() {
				return
			}
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
		case "isFinal":
			m.final = s.boolean()
		case "alignment":
			s.alignment(&m.align)
		case "normalizedAlignment":
			s.alignment(&m.norm)
		case "error":
			if !s.null() {
				m.errorCode = string(s.str())
			}
		case "message":
			if !s.null() {
				m.errorText = string(s.str())
			}
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
	if m.align.len() == 0 {
		m.align, m.norm = m.norm, m.align
	}
	return nil
}

// alignment reads an alignment object or null. ElevenLabs' examples spell
// the durations charDurationsMs and its SDK schema charsDurationsMs: both
// are accepted.
func (s *scanner) alignment(a *alignment) {
	a.reset() // a repeated key replaces the earlier one
	if s.null() {
		return
	}
	s.object(func(k []byte) {
		switch string(k) {
		case "chars":
			a.chars = a.chars[:0]
			s.array(func() { a.chars = append(a.chars, s.str()) })
		case "charStartTimesMs":
			a.starts = a.starts[:0]
			s.array(func() { a.starts = append(a.starts, s.num()) })
		case "charDurationsMs", "charsDurationsMs":
			a.durs = a.durs[:0]
			s.array(func() { a.durs = append(a.durs, s.num()) })
		default:
			s.skip()
		}
	})
}
