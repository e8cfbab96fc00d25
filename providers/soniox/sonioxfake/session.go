package sonioxfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// StartRequest is the part of the start request the fake reads.
type StartRequest struct {
	APIKey                       string           `json:"api_key"`
	Model                        string           `json:"model"`
	AudioFormat                  string           `json:"audio_format"`
	SampleRate                   int              `json:"sample_rate"`
	NumChannels                  int              `json:"num_channels"`
	LanguageHints                []string         `json:"language_hints"`
	Context                      *json.RawMessage `json:"context"`
	EnableSpeakerDiarization     bool             `json:"enable_speaker_diarization"`
	EnableLanguageIdentification bool             `json:"enable_language_identification"`
	EnableEndpointDetection      bool             `json:"enable_endpoint_detection"`
	MaxEndpointDelayMS           int              `json:"max_endpoint_delay_ms"`
}

// formats are the raw formats the fake simulates; Soniox takes more.
var formats = map[string]voice.Encoding{"pcm_s16le": voice.PCM16, "mulaw": voice.ULaw, "alaw": voice.ALaw}

// check validates a start request as Soniox would, for what the fake
// reads: the error_message, or "".
func (q *StartRequest) check() string {
	switch {
	case !strings.HasPrefix(q.Model, "stt-rt"):
		return fmt.Sprintf("Invalid model: %q is not a real-time model.", q.Model)
	case q.AudioFormat == "":
		return "Missing audio_format."
	case q.SampleRate <= 0:
		return "sample_rate is required for raw audio."
	case q.NumChannels != 1:
		return "num_channels must be 1 (sonioxfake simulates mono)."
	case q.MaxEndpointDelayMS != 0 && (q.MaxEndpointDelayMS < 500 || q.MaxEndpointDelayMS > 3000):
		return "max_endpoint_delay_ms must be between 500 and 3000."
	}
	if _, ok := formats[q.AudioFormat]; !ok {
		return fmt.Sprintf("audio_format %q is not simulated by sonioxfake (pcm_s16le, mulaw, alaw).", q.AudioFormat)
	}
	return ""
}

// tokenJSON and responseJSON are Soniox's response shapes.
type tokenJSON struct {
	Text       string  `json:"text"`
	StartMS    *int64  `json:"start_ms,omitempty"`
	EndMS      *int64  `json:"end_ms,omitempty"`
	Confidence float64 `json:"confidence"`
	IsFinal    bool    `json:"is_final"`
	Speaker    string  `json:"speaker,omitempty"`
	Language   string  `json:"language,omitempty"`
}

type responseJSON struct {
	Tokens           []tokenJSON `json:"tokens"`
	FinalAudioProcMS int64       `json:"final_audio_proc_ms"`
	TotalAudioProcMS int64       `json:"total_audio_proc_ms"`
	Finished         bool        `json:"finished,omitempty"`
}

// word is a word being or having been spoken, in audio time.
type word struct {
	text       string
	conf       float64
	start, end time.Duration
	first      bool // the connection's first: no leading space
}

// session is one connection's recognizer; it decides on audio time: now is
// the end of the last frame processed.
type session struct {
	srv  *Server
	c    *sttfake.Conn
	rec  *Session
	auth auth

	req      *StartRequest // nil until the start request
	frames   *sttfake.Framer
	endAfter time.Duration // silence before <end>; 0 without endpoint detection

	now      time.Duration
	cur      *word  // being spoken
	done     []word // ended, not yet sent final
	silence  time.Duration
	owesEnd  bool // words since the last <end>
	anyWord  bool
	lastSent time.Duration
}

func newSession(s *Server, c *sttfake.Conn, rec *Session, a auth) *session {
	return &session{srv: s, c: c, rec: rec, auth: a}
}

func (s *session) record(f func(*Session)) { sttfake.Update(s.srv.Host, s.rec, f) }

// fail answers an error response and closes, as Soniox does.
func (s *session) fail(code int, msg string) {
	s.record(func(r *Session) { r.Error = code })
	s.c.Fail(errorResponse{code, msg}, websocket.CloseNormalClosure, "")
}

func (s *session) Open() {}

func (s *session) Text(b []byte) {
	if s.req == nil {
		s.start(b)
		return
	}
	var ctl struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &ctl); err != nil {
		s.fail(400, "Invalid control message.")
		return
	}
	switch ctl.Type {
	case "keepalive":
		s.record(func(r *Session) { r.KeepAlives++ })
	case "finalize":
		s.record(func(r *Session) { r.Finalizes++ })
		s.endWord()
		s.respond(tokenJSON{Text: "<fin>", IsFinal: true, Confidence: 1})
	default:
		s.fail(400, fmt.Sprintf("Unknown control message type %q.", ctl.Type))
	}
}

func (s *session) start(b []byte) {
	var q StartRequest
	if err := json.Unmarshal(b, &q); err != nil {
		s.fail(400, "Invalid start request.")
		return
	}
	bearer := s.auth.present
	s.record(func(r *Session) { r.Start, r.BearerAuth = q, bearer })
	key := s.auth.key
	if !bearer {
		key = q.APIKey
	}
	if !s.srv.authorized(key) {
		s.fail(401, "Invalid API key.")
		return
	}
	if msg := q.check(); msg != "" {
		s.fail(400, msg)
		return
	}
	s.req = &q
	s.frames = sttfake.NewFramer(formats[q.AudioFormat], q.SampleRate)
	if q.EnableEndpointDetection {
		s.endAfter = s.srv.cfg.EndpointSilence
		if q.MaxEndpointDelayMS > 0 {
			s.endAfter = min(s.endAfter, time.Duration(q.MaxEndpointDelayMS)*time.Millisecond)
		}
	}
}

func (s *session) Audio(b []byte) {
	if s.req == nil {
		s.fail(400, "Start request expected before audio.")
		return
	}
	if len(b) == 0 { // end of audio
		s.endWord()
		s.respond()
		s.c.Send(responseJSON{Tokens: []tokenJSON{}, FinalAudioProcMS: s.now.Milliseconds(), TotalAudioProcMS: s.now.Milliseconds(), Finished: true})
		s.record(func(r *Session) { r.Finished = true })
		s.c.CloseWith(websocket.CloseNormalClosure, "")
		return
	}
	s.frames.Feed(b, s.frame)
	audio := s.frames.Duration()
	s.record(func(r *Session) { r.Audio = audio })
}

// frame advances audio time by one frame.
func (s *session) frame(h sttfake.Heard) {
	t := s.now
	s.now += sttfake.FrameDuration
	switch {
	case h.Kind == fakespeech.KindWord:
		s.endWord()
		s.cur = &word{text: h.Word, conf: h.Conf, start: t, end: s.now, first: !s.anyWord}
		s.anyWord, s.owesEnd, s.silence = true, true, 0
	case h.Kind == fakespeech.KindSpeech && s.cur != nil:
		s.cur.end, s.silence = s.now, 0
	default: // silence, noise: a word ends
		s.endWord()
		if !h.Loud {
			s.silence += sttfake.FrameDuration
		}
	}
	switch {
	case len(s.done) > 0:
		s.respond()
	case s.endAfter > 0 && s.owesEnd && s.silence >= s.endAfter:
		s.owesEnd = false
		s.respond(tokenJSON{Text: "<end>", IsFinal: true, Confidence: 1})
	case s.now-s.lastSent >= s.srv.cfg.ResponseInterval:
		s.respond()
	}
}

func (s *session) endWord() {
	if s.cur != nil {
		s.done = append(s.done, *s.cur)
		s.cur = nil
	}
}

// respond sends the words ended since the last response as final tokens,
// the word being spoken as non-final ones, then extra (final) tokens.
func (s *session) respond(extra ...tokenJSON) {
	m := responseJSON{Tokens: []tokenJSON{}, TotalAudioProcMS: s.now.Milliseconds(), FinalAudioProcMS: s.now.Milliseconds()}
	for _, w := range s.done {
		m.Tokens = append(m.Tokens, s.tokens(w, true)...)
	}
	s.done = s.done[:0]
	m.Tokens = append(m.Tokens, extra...)
	if s.cur != nil {
		m.Tokens = append(m.Tokens, s.tokens(*s.cur, false)...)
		m.FinalAudioProcMS = s.cur.start.Milliseconds()
	}
	s.lastSent = s.now
	s.c.Send(m)
}

// tokens splits a word into Soniox-like pieces: a leading space for every
// word but the first, two pieces for words longer than four letters.
func (s *session) tokens(w word, final bool) []tokenJSON {
	text := w.text
	if !w.first {
		text = " " + text
	}
	tok := func(text string, start, end time.Duration) tokenJSON {
		st, en := start.Milliseconds(), end.Milliseconds()
		t := tokenJSON{Text: text, StartMS: &st, EndMS: &en, Confidence: w.conf, IsFinal: final}
		if s.req.EnableSpeakerDiarization {
			t.Speaker = "1"
		}
		if s.req.EnableLanguageIdentification {
			t.Language = "en"
		}
		return t
	}
	if len(w.text) <= 4 {
		return []tokenJSON{tok(text, w.start, w.end)}
	}
	cut := len(text) - len(w.text)/2
	mid := w.start + (w.end-w.start)/2
	return []tokenJSON{tok(text[:cut], w.start, mid), tok(text[cut:], mid, w.end)}
}
