package soniox

import (
	"strconv"

	"github.com/switchboard-voice/switchboard/providers/internal/jsonscan"
)

// Special tokens: <end> closes an utterance (endpoint detection), <fin>
// answers a finalize message. Both are always final.
const (
	tokenEnd = "<end>"
	tokenFin = "<fin>"
)

// token is one piece of text: a word, part of one, or a special token.
// Text aliases the message's bytes; a token starting a new word begins
// with a space, except the first of a transcript.
type token struct {
	text           []byte
	startMS, endMS float64
	confidence     float64
	final          bool
	translated     bool // translation_status "translation": not what was said
}

// response is one server message:
//
//	{"tokens":[{"text":" hello","start_ms":120,"end_ms":480,"confidence":0.97,"is_final":true}, …],
//	 "final_audio_proc_ms":480,"total_audio_proc_ms":760}
//	{"tokens":[],"final_audio_proc_ms":…,"total_audio_proc_ms":…,"finished":true}
//	{"error_code":503,"error_message":"Cannot continue request (code N). Please restart the request."}
type response struct {
	tokens           []token
	finalMS, totalMS float64
	finished         bool
	errCode          int
	errMsg           string
	isError          bool
}

// parse decodes data into r, reusing its token storage.
func (r *response) parse(data []byte) error {
	*r = response{tokens: r.tokens[:0]}
	s := jsonscan.New(data)
	s.Object(func(k []byte) {
		switch string(k) {
		case "tokens":
			if s.Null() {
				return
			}
			s.Array(func() { r.tokens = append(r.tokens, readToken(&s)) })
		case "final_audio_proc_ms":
			r.finalMS = num(&s)
		case "total_audio_proc_ms":
			r.totalMS = num(&s)
		case "finished":
			r.finished = s.Boolean()
		case "error_code":
			r.isError = true
			if s.IsString() {
				r.errCode, _ = strconv.Atoi(string(s.Str()))
			} else if !s.Null() {
				r.errCode = int(s.Num())
			}
		case "error_message":
			if !s.Null() {
				r.errMsg = string(s.Str())
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

func readToken(s *jsonscan.Scanner) token {
	var t token
	s.Object(func(k []byte) {
		switch string(k) {
		case "text":
			if !s.Null() {
				t.text = s.Str()
			}
		case "start_ms":
			t.startMS = num(s)
		case "end_ms":
			t.endMS = num(s)
		case "confidence":
			t.confidence = num(s)
		case "is_final":
			t.final = s.Boolean()
		case "translation_status":
			if !s.Null() {
				t.translated = string(s.Str()) == "translation"
			}
		default:
			s.Skip()
		}
	})
	return t
}

// num reads a number, null as 0.
func num(s *jsonscan.Scanner) float64 {
	if s.Null() {
		return 0
	}
	return s.Num()
}
