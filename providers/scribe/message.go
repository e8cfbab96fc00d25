package scribe

import (
	"github.com/switchboard-voice/switchboard/providers/internal/jsonscan"
)

// msgType is a server message's message_type.
type msgType uint8

const (
	msgUnknown msgType = iota
	msgSessionStarted
	msgPartial
	msgCommitted          // committed_transcript, final_transcript
	msgCommittedWithTimes // …_with_timestamps
	msgError
)

var msgTypes = map[string]msgType{
	"session_started":                      msgSessionStarted,
	"partial_transcript":                   msgPartial,
	"committed_transcript":                 msgCommitted,
	"final_transcript":                     msgCommitted,
	"committed_transcript_with_timestamps": msgCommittedWithTimes,
	"final_transcript_with_timestamps":     msgCommittedWithTimes,
}

// item is an entry of words: a word, the spacing between words, or an
// audio event ("(laughs)"); times in seconds of the connection's audio.
// text aliases the message's bytes.
type item struct {
	kind       itemKind
	text       []byte
	start, end float64
	logprob    float64
	hasLogprob bool
}

type itemKind uint8

const (
	itemWord itemKind = iota
	itemSpacing
	itemAudioEvent
)

// message is one server message:
//
//	{"message_type":"session_started","session_id":"…","config":{…}}
//	{"message_type":"partial_transcript","text":"Hello, how are"}
//	{"message_type":"committed_transcript","text":"Hello, how are you?"}
//	{"message_type":"committed_transcript_with_timestamps","text":"Hello.","language_code":"en",
//	 "words":[{"text":"Hello.","start":0.1,"end":0.5,"type":"word","logprob":-0.01}]}
//	{"message_type":"auth_error","error":"Invalid API key"}
type message struct {
	typ     msgType
	errKind string
	text    []byte
	errMsg  string
	words   []item
}

// parse decodes data into m, reusing its storage.
func (m *message) parse(data []byte) error {
	*m = message{words: m.words[:0]}
	s := jsonscan.New(data)
	s.Object(func(k []byte) {
		switch string(k) {
		case "message_type", "type":
			if s.Null() {
				return
			}
			t := s.Str()
			if typ, ok := msgTypes[string(t)]; ok {
				m.typ = typ
			} else if kind := errorKind(string(t)); kind != "" {
				m.typ, m.errKind = msgError, kind
			}
		case "text":
			if !s.Null() {
				m.text = s.Str()
			}
		case "error", "message":
			if s.IsString() {
				m.errMsg = string(s.Str())
			} else {
				s.Skip()
			}
		case "words":
			if s.Null() {
				return
			}
			s.Array(func() { m.words = append(m.words, readItem(&s)) })
		default:
			s.Skip()
		}
	})
	if !s.Done() {
		return ErrMalformed
	}
	return nil
}

func readItem(s *jsonscan.Scanner) item {
	var it item
	s.Object(func(k []byte) {
		switch string(k) {
		case "text":
			if !s.Null() {
				it.text = s.Str()
			}
		case "type":
			if s.Null() {
				return
			}
			switch string(s.Str()) {
			case "spacing":
				it.kind = itemSpacing
			case "audio_event":
				it.kind = itemAudioEvent
			}
		case "start":
			it.start = num(s)
		case "end":
			it.end = num(s)
		case "logprob":
			if !s.Null() {
				it.logprob, it.hasLogprob = s.Num(), true
			}
		default:
			s.Skip()
		}
	})
	return it
}

// num reads a number, null as 0.
func num(s *jsonscan.Scanner) float64 {
	if s.Null() {
		return 0
	}
	return s.Num()
}
