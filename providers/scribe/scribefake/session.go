package scribefake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// Query is the session configuration the fake reads from the handshake.
type Query struct {
	ModelID                  string
	AudioFormat              string
	LanguageCode             string
	CommitStrategy           string
	VADThreshold             float64
	VADSilenceThresholdSecs  float64
	MinSpeechDurationMS      int
	MinSilenceDurationMS     int
	IncludeTimestamps        bool
	IncludeLanguageDetection bool
	EnableLogging            bool
}

// formats are the audio formats the fake simulates, with their rates.
var formats = map[string]struct {
	enc  voice.Encoding
	rate int
}{
	"ulaw_8000": {voice.ULaw, 8000}, "pcm_8000": {voice.PCM16, 8000}, "pcm_16000": {voice.PCM16, 16000},
	"pcm_22050": {voice.PCM16, 22050}, "pcm_24000": {voice.PCM16, 24000}, "pcm_44100": {voice.PCM16, 44100},
	"pcm_48000": {voice.PCM16, 48000},
}

// parseQuery reads and checks the configuration as Scribe does, with its
// defaults: the problem, or "".
func parseQuery(v url.Values) (Query, string) {
	q := Query{
		ModelID: v.Get("model_id"), AudioFormat: v.Get("audio_format"), LanguageCode: v.Get("language_code"),
		CommitStrategy: "manual", VADThreshold: 0.4, VADSilenceThresholdSecs: 1.5,
		MinSpeechDurationMS: 100, MinSilenceDurationMS: 100, EnableLogging: true,
	}
	if q.AudioFormat == "" {
		q.AudioFormat = "pcm_16000"
	}
	var problems []string
	num := func(name string, dst *float64, ok func(float64) bool) {
		if s := v.Get(name); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || !ok(f) {
				problems = append(problems, name+" out of range")
				return
			}
			*dst = f
		}
	}
	integer := func(name string, dst *int) {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 50 || n > 2000 {
				problems = append(problems, name+" must be over 50 and at most 2000")
				return
			}
			*dst = n
		}
	}
	boolean := func(name string, dst *bool) {
		if s := v.Get(name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				problems = append(problems, name+" must be true or false")
				return
			}
			*dst = b
		}
	}
	if s := v.Get("commit_strategy"); s != "" {
		q.CommitStrategy = s
	}
	num("vad_threshold", &q.VADThreshold, func(f float64) bool { return f >= 0.1 && f <= 0.9 })
	num("vad_silence_threshold_secs", &q.VADSilenceThresholdSecs, func(f float64) bool { return f > 0.3 && f <= 3 })
	integer("min_speech_duration_ms", &q.MinSpeechDurationMS)
	integer("min_silence_duration_ms", &q.MinSilenceDurationMS)
	boolean("include_timestamps", &q.IncludeTimestamps)
	boolean("include_language_detection", &q.IncludeLanguageDetection)
	boolean("enable_logging", &q.EnableLogging)
	switch {
	case q.ModelID != "scribe_v2_realtime":
		problems = append(problems, fmt.Sprintf("model_id %q is not a realtime model", q.ModelID))
	case q.CommitStrategy != "manual" && q.CommitStrategy != "vad":
		problems = append(problems, "commit_strategy must be manual or vad")
	}
	if _, ok := formats[q.AudioFormat]; !ok {
		problems = append(problems, fmt.Sprintf("audio_format %q is not supported", q.AudioFormat))
	}
	return q, strings.Join(problems, "; ")
}

// Message shapes.
type (
	sessionStarted struct {
		MessageType string `json:"message_type"`
		SessionID   string `json:"session_id"`
		Config      any    `json:"config"`
	}
	transcriptMsg struct {
		MessageType  string     `json:"message_type"`
		Text         string     `json:"text"`
		LanguageCode string     `json:"language_code,omitempty"`
		Words        []wordJSON `json:"words,omitempty"`
	}
	wordJSON struct {
		Text    string   `json:"text"`
		Start   float64  `json:"start"`
		End     float64  `json:"end"`
		Type    string   `json:"type"`
		Logprob *float64 `json:"logprob,omitempty"`
	}
	inputChunk struct {
		MessageType string `json:"message_type"`
		AudioBase64 string `json:"audio_base_64"`
		Commit      bool   `json:"commit"`
		SampleRate  int    `json:"sample_rate"`
	}
)

// word is a word being or having been spoken, in audio time.
type word struct {
	text       string
	conf       float64
	start, end time.Duration
}

// session is one connection's recognizer; it decides on audio time.
type session struct {
	srv     *Server
	c       *sttfake.Conn
	rec     *Session
	q       Query
	problem string
	frames  *sttfake.Framer
	rate    int

	now         time.Duration
	cur         *word
	words       []word // the open segment's ended words
	speech      time.Duration
	silence     time.Duration
	lastPartial time.Duration
}

func newSession(s *Server, c *sttfake.Conn, rec *Session, problem string) *session {
	f := formats[rec.Query.AudioFormat]
	return &session{srv: s, c: c, rec: rec, q: rec.Query, problem: problem, frames: sttfake.NewFramer(f.enc, f.rate), rate: f.rate}
}

func (s *session) record(f func(*Session)) { sttfake.Update(s.srv.Host, s.rec, f) }

func (s *session) fail(kind, msg string) {
	s.record(func(r *Session) { r.Error = kind })
	s.c.Fail(errorMessage(kind, msg), websocket.ClosePolicyViolation, msg)
}

func (s *session) Open() {
	if s.problem != "" {
		s.fail("input_error", s.problem)
		return
	}
	q := s.q
	s.c.Send(sessionStarted{MessageType: "session_started", SessionID: "5cr1befa4e0000000000000000000000", Config: map[string]any{
		"sample_rate": s.rate, "audio_format": q.AudioFormat, "language_code": q.LanguageCode, "model_id": q.ModelID,
		"commit_strategy": q.CommitStrategy, "vad_silence_threshold_secs": q.VADSilenceThresholdSecs, "vad_threshold": q.VADThreshold,
		"min_speech_duration_ms": q.MinSpeechDurationMS, "min_silence_duration_ms": q.MinSilenceDurationMS,
		"enable_logging": q.EnableLogging, "include_timestamps": q.IncludeTimestamps,
		"include_language_detection": q.IncludeLanguageDetection,
	}})
}

func (s *session) Audio([]byte) {
	s.fail("input_error", "audio must be sent as input_audio_chunk messages")
}

func (s *session) Text(b []byte) {
	var m inputChunk
	if err := json.Unmarshal(b, &m); err != nil {
		s.fail("input_error", "invalid JSON")
		return
	}
	switch m.MessageType {
	case "input_audio_chunk":
	case "commit":
		s.commit()
		return
	default:
		s.fail("input_error", fmt.Sprintf("unknown message_type %q", m.MessageType))
		return
	}
	audio, err := base64.StdEncoding.DecodeString(m.AudioBase64)
	if err != nil {
		s.fail("input_error", "audio_base_64 is not base64")
		return
	}
	if m.SampleRate != 0 && m.SampleRate != s.rate {
		s.fail("input_error", fmt.Sprintf("sample_rate %d does not match audio_format %s", m.SampleRate, s.q.AudioFormat))
		return
	}
	s.frames.Feed(audio, s.frame)
	d := s.frames.Duration()
	s.record(func(r *Session) { r.Audio, r.Chunks = d, r.Chunks+1 })
	if m.Commit {
		s.commit()
	}
}

// frame advances audio time by one frame.
func (s *session) frame(h sttfake.Heard) {
	t := s.now
	s.now += sttfake.FrameDuration
	switch {
	case h.Kind == fakespeech.KindWord:
		s.endWord()
		s.cur = &word{text: h.Word, conf: h.Conf, start: t, end: s.now}
		s.speech += sttfake.FrameDuration
		s.silence = 0
		s.partial()
	case h.Kind == fakespeech.KindSpeech && s.cur != nil:
		s.cur.end, s.silence = s.now, 0
		s.speech += sttfake.FrameDuration
	default:
		if s.endWord() {
			s.partial()
		}
		if !h.Loud {
			s.silence += sttfake.FrameDuration
		}
	}
	open := s.cur != nil || len(s.words) > 0
	switch {
	case open && s.q.CommitStrategy == "vad" && s.cur == nil &&
		s.silence >= seconds(s.q.VADSilenceThresholdSecs) && s.speech >= time.Duration(s.q.MinSpeechDurationMS)*time.Millisecond:
		s.commit()
	case open && s.now-s.lastPartial >= s.srv.cfg.PartialEvery:
		s.partial()
	}
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func (s *session) endWord() bool {
	if s.cur == nil {
		return false
	}
	s.words = append(s.words, *s.cur)
	s.cur = nil
	return true
}

// text is the segment's words, a period after the last when committed.
func text(ws []word, period bool) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
	}
	t := strings.Join(parts, " ")
	if period && t != "" {
		t += "."
	}
	return t
}

// partial sends the open segment's words.
func (s *session) partial() {
	ws := s.words
	if s.cur != nil {
		ws = append(ws[:len(ws):len(ws)], *s.cur)
	}
	s.lastPartial = s.now
	s.c.Send(transcriptMsg{MessageType: "partial_transcript", Text: text(ws, false)})
}

// commit ends the segment.
func (s *session) commit() {
	s.record(func(r *Session) { r.Commits++ })
	s.endWord()
	ws := s.words
	s.words, s.speech = nil, 0
	committed := text(ws, true)
	m := transcriptMsg{MessageType: "committed_transcript", Text: committed}
	if s.q.IncludeLanguageDetection && len(ws) > 0 {
		m.LanguageCode = "en"
	}
	s.c.Send(m)
	if len(ws) == 0 {
		return
	}
	if s.q.IncludeTimestamps {
		m.MessageType = "committed_transcript_with_timestamps"
		for i, w := range ws {
			if i > 0 {
				m.Words = append(m.Words, wordJSON{Text: " ", Start: ws[i-1].end.Seconds(), End: w.start.Seconds(), Type: "spacing"})
			}
			lp := math.Log(w.conf)
			t := w.text
			if i == len(ws)-1 {
				t += "."
			}
			m.Words = append(m.Words, wordJSON{Text: t, Start: w.start.Seconds(), End: w.end.Seconds(), Type: "word", Logprob: &lp})
		}
		s.c.Send(m)
	}
	s.c.Send(transcriptMsg{MessageType: "partial_transcript", Text: committed})
}
