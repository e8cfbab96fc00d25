package speechmatics

import (
	"github.com/switchboard-voice/switchboard/providers/internal/jsonscan"
)

// msgType is a server message's "message".
type msgType uint8

const (
	msgUnknown msgType = iota
	msgRecognitionStarted
	msgAudioAdded
	msgPartial
	msgFinal
	msgEndOfUtterance
	msgEndOfTranscript
	msgInfo
	msgWarning
	msgError
)

var msgTypes = map[string]msgType{
	"RecognitionStarted": msgRecognitionStarted, "AudioAdded": msgAudioAdded,
	"AddPartialTranscript": msgPartial, "AddTranscript": msgFinal,
	"EndOfUtterance": msgEndOfUtterance, "EndOfTranscript": msgEndOfTranscript,
	"Info": msgInfo, "Warning": msgWarning, "Error": msgError,
}

// result is a word or punctuation mark, times in seconds of the
// connection's audio; content aliases the message's bytes.
type result struct {
	punctuation bool
	attachesTo  attach
	start, end  float64
	content     []byte
	confidence  float64
}

// attach is where a punctuation mark goes.
type attach uint8

const (
	attachNone attach = iota
	attachPrevious
	attachNext
	attachBoth
)

// message is one server message:
//
//	{"message":"AddTranscript","metadata":{"start_time":0.5,"end_time":1.2,"transcript":"Hello."},
//	 "results":[{"type":"word","start_time":0.5,"end_time":1.1,"alternatives":[{"content":"Hello","confidence":0.98}]},
//	            {"type":"punctuation","attaches_to":"previous","is_eos":true,"start_time":1.1,"end_time":1.1,"alternatives":[{"content":".","confidence":1}]}]}
//	{"message":"EndOfUtterance","metadata":{"start_time":2.0,"end_time":2.0}}
//	{"message":"Error","type":"not_authorised","reason":"..."}
type message struct {
	typ        msgType
	start, end float64 // metadata
	results    []result
	errType    string
	reason     string
}

// parse decodes data into m, reusing its result storage.
func (m *message) parse(data []byte) error {
	*m = message{results: m.results[:0]}
	s := jsonscan.New(data)
	s.Object(func(k []byte) {
		switch string(k) {
		case "message":
			m.typ = msgTypes[string(s.Str())]
		case "metadata":
			if s.Null() {
				return
			}
			s.Object(func(k []byte) {
				switch string(k) {
				case "start_time":
					m.start = num(&s)
				case "end_time":
					m.end = num(&s)
				default:
					s.Skip()
				}
			})
		case "results":
			if s.Null() {
				return
			}
			s.Array(func() { m.results = append(m.results, readResult(&s)) })
		case "type":
			if !s.Null() {
				m.errType = string(s.Str())
			}
		case "reason":
			if !s.Null() {
				m.reason = string(s.Str())
			}
		default:
			s.Skip()
		}
	})
	if !s.Done() {
		return ErrMalformed
	}
	return nil
}

func readResult(s *jsonscan.Scanner) result {
	var r result
	s.Object(func(k []byte) {
		switch string(k) {
		case "type":
			r.punctuation = string(s.Str()) == "punctuation"
		case "attaches_to":
			switch string(s.Str()) {
			case "previous":
				r.attachesTo = attachPrevious
			case "next":
				r.attachesTo = attachNext
			case "both":
				r.attachesTo = attachBoth
			}
		case "start_time":
			r.start = num(s)
		case "end_time":
			r.end = num(s)
		case "alternatives":
			if s.Null() {
				return
			}
			first := true
			s.Array(func() {
				if !first {
					s.Skip()
					return
				}
				first = false
				s.Object(func(k []byte) {
					switch string(k) {
					case "content":
						r.content = s.Str()
					case "confidence":
						r.confidence = num(s)
					default:
						s.Skip()
					}
				})
			})
		default:
			s.Skip()
		}
	})
	return r
}

// num reads a number, null as 0.
func num(s *jsonscan.Scanner) float64 {
	if s.Null() {
		return 0
	}
	return s.Num()
}
