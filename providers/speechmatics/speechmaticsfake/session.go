package speechmaticsfake

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// StartRecognition is the part of the start message the fake reads.
type StartRecognition struct {
	Message     string `json:"message"`
	AudioFormat struct {
		Type       string `json:"type"`
		Encoding   string `json:"encoding"`
		SampleRate int    `json:"sample_rate"`
	} `json:"audio_format"`
	TranscriptionConfig struct {
		Language        string  `json:"language"`
		OperatingPoint  string  `json:"operating_point"`
		MaxDelay        float64 `json:"max_delay"`
		EnablePartials  bool    `json:"enable_partials"`
		EnableEntities  bool    `json:"enable_entities"`
		Diarization     string  `json:"diarization"`
		AdditionalVocab []struct {
			Content string `json:"content"`
		} `json:"additional_vocab"`
		SpeakerDiarizationConfig *struct {
			MaxSpeakers int `json:"max_speakers"`
		} `json:"speaker_diarization_config"`
		TranscriptFilteringConfig *struct {
			RemoveDisfluencies bool `json:"remove_disfluencies"`
		} `json:"transcript_filtering_config"`
		ConversationConfig *struct {
			EndOfUtteranceSilenceTrigger float64 `json:"end_of_utterance_silence_trigger"`
		} `json:"conversation_config"`
	} `json:"transcription_config"`
}

// formats are the raw encodings the fake simulates (Speechmatics also
// takes pcm_f32le).
var formats = map[string]voice.Encoding{"pcm_s16le": voice.PCM16, "mulaw": voice.ULaw}

// check validates a StartRecognition as Speechmatics would, for what the
// fake reads: the Error type and reason, or "".
func (q *StartRecognition) check() (string, string) {
	a, t := q.AudioFormat, q.TranscriptionConfig
	if _, ok := formats[a.Encoding]; a.Type != "raw" || !ok || a.SampleRate <= 0 {
		return "invalid_audio_type", fmt.Sprintf("raw %q at %d Hz is not simulated by speechmaticsfake (pcm_s16le, mulaw)", a.Encoding, a.SampleRate)
	}
	switch {
	case t.Language == "":
		return "invalid_config", "transcription_config.language is required"
	case t.OperatingPoint != "" && t.OperatingPoint != "standard" && t.OperatingPoint != "enhanced":
		return "invalid_config", fmt.Sprintf("operating_point %q is not one of standard, enhanced", t.OperatingPoint)
	case t.MaxDelay != 0 && (t.MaxDelay < 0.7 || t.MaxDelay > 4):
		return "invalid_config", "max_delay must be between 0.7 and 4"
	case t.ConversationConfig != nil && (t.ConversationConfig.EndOfUtteranceSilenceTrigger < 0 || t.ConversationConfig.EndOfUtteranceSilenceTrigger > 2):
		return "invalid_config", "end_of_utterance_silence_trigger must be between 0 and 2"
	}
	return "", ""
}

// Message shapes.
type (
	alternative struct {
		Content    string  `json:"content"`
		Confidence float64 `json:"confidence"`
		Language   string  `json:"language,omitempty"`
		Speaker    string  `json:"speaker,omitempty"`
	}
	resultJSON struct {
		Type         string        `json:"type"`
		StartTime    float64       `json:"start_time"`
		EndTime      float64       `json:"end_time"`
		AttachesTo   string        `json:"attaches_to,omitempty"`
		IsEOS        bool          `json:"is_eos,omitempty"`
		Alternatives []alternative `json:"alternatives"`
	}
	metadata struct {
		StartTime  float64 `json:"start_time"`
		EndTime    float64 `json:"end_time"`
		Transcript string  `json:"transcript"`
	}
	transcriptMsg struct {
		Message  string       `json:"message"`
		Format   string       `json:"format"`
		Metadata metadata     `json:"metadata"`
		Results  []resultJSON `json:"results"`
	}
	endOfUtteranceMsg struct {
		Message  string `json:"message"`
		Metadata struct {
			StartTime float64 `json:"start_time"`
			EndTime   float64 `json:"end_time"`
		} `json:"metadata"`
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
	srv *Server
	c   *sttfake.Conn
	rec *Session

	req      *StartRecognition
	frames   *sttfake.Framer
	maxDelay time.Duration
	eou      time.Duration // end_of_utterance_silence_trigger; 0 off

	now       time.Duration
	seq       int
	cur       *word
	pending   []word        // ended, not final
	finalTo   time.Duration // audio finalized so far
	silence   time.Duration
	owesEnd   bool // words since the last EndOfUtterance
	lastFinal time.Duration
}

func newSession(s *Server, c *sttfake.Conn, rec *Session) *session {
	return &session{srv: s, c: c, rec: rec}
}

func (s *session) record(f func(*Session)) { sttfake.Update(s.srv.Host, s.rec, f) }

func (s *session) fail(typ, reason string) {
	s.record(func(r *Session) { r.Error = typ })
	s.c.Fail(errorMessage(typ, reason), websocket.CloseNormalClosure, "")
}

func (s *session) Open() {}

func (s *session) Text(b []byte) {
	var m struct {
		Message   string `json:"message"`
		LastSeqNo *int   `json:"last_seq_no"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		s.fail("invalid_message", "not JSON")
		return
	}
	switch {
	case m.Message == "StartRecognition" && s.req == nil:
		s.start(b)
	case s.req == nil:
		s.fail("protocol_error", "StartRecognition expected first")
	case m.Message == "ForceEndOfUtterance":
		s.record(func(r *Session) { r.ForceEnds++ })
		s.endWord()
		s.endUtterance()
	case m.Message == "EndOfStream" && m.LastSeqNo != nil:
		last := *m.LastSeqNo
		s.record(func(r *Session) { r.EndOfStream, r.LastSeqNo = true, last })
		if last != s.seq {
			s.fail("protocol_error", fmt.Sprintf("last_seq_no %d, but %d AddAudio received", last, s.seq))
			return
		}
		s.endWord()
		s.finalize(len(s.pending), false)
		s.c.Send(struct {
			Message string `json:"message"`
		}{"EndOfTranscript"})
		s.c.CloseWith(websocket.CloseNormalClosure, "")
	default:
		s.fail("invalid_message", fmt.Sprintf("unexpected message %q", m.Message))
	}
}

func (s *session) start(b []byte) {
	var q StartRecognition
	if err := json.Unmarshal(b, &q); err != nil {
		s.fail("invalid_message", err.Error())
		return
	}
	s.record(func(r *Session) { r.Start = &q })
	if typ, reason := q.check(); typ != "" {
		s.fail(typ, reason)
		return
	}
	s.req = &q
	s.frames = sttfake.NewFramer(formats[q.AudioFormat.Encoding], q.AudioFormat.SampleRate)
	s.maxDelay = time.Duration(q.TranscriptionConfig.MaxDelay * float64(time.Second))
	if s.maxDelay == 0 {
		s.maxDelay = 4 * time.Second
	}
	if cc := q.TranscriptionConfig.ConversationConfig; cc != nil {
		s.eou = time.Duration(cc.EndOfUtteranceSilenceTrigger * float64(time.Second))
	}
	s.c.Send(struct {
		Message string `json:"message"`
		ID      string `json:"id"`
	}{"RecognitionStarted", "00000000-0000-4000-8000-5eec4a71c500"})
}

func (s *session) Audio(b []byte) {
	if s.req == nil {
		s.fail("protocol_error", "StartRecognition expected before audio")
		return
	}
	s.seq++
	s.c.Send(struct {
		Message string `json:"message"`
		SeqNo   int    `json:"seq_no"`
	}{"AudioAdded", s.seq})
	s.frames.Feed(b, s.frame)
	audio, n := s.frames.Duration(), s.seq
	s.record(func(r *Session) { r.Audio, r.AddAudios = audio, n })
}

// frame advances audio time by one frame.
func (s *session) frame(h sttfake.Heard) {
	t := s.now
	s.now += sttfake.FrameDuration
	switch {
	case h.Kind == fakespeech.KindWord:
		s.endWord()
		s.cur = &word{text: h.Word, conf: h.Conf, start: t, end: s.now}
		s.owesEnd, s.silence = true, 0
		s.partial()
	case h.Kind == fakespeech.KindSpeech && s.cur != nil:
		s.cur.end, s.silence = s.now, 0
	default:
		if s.endWord() {
			s.partial()
		}
		if !h.Loud {
			s.silence += sttfake.FrameDuration
		}
	}
	// words final max_delay after they end
	n := 0
	for n < len(s.pending) && s.now-s.pending[n].end >= s.maxDelay {
		n++
	}
	switch {
	case s.eou > 0 && s.owesEnd && s.cur == nil && s.silence >= s.eou:
		s.endUtterance()
	case n > 0:
		s.finalize(n, false)
	case s.cur == nil && len(s.pending) == 0 && s.now-s.lastFinal >= s.srv.cfg.FinalInterval:
		s.finalize(0, false)
	}
}

func (s *session) endWord() bool {
	if s.cur == nil {
		return false
	}
	s.pending = append(s.pending, *s.cur)
	s.cur = nil
	return true
}

// endUtterance finalizes what is pending, with a period, and sends
// EndOfUtterance.
func (s *session) endUtterance() {
	s.finalize(len(s.pending), true)
	s.owesEnd = false
	var m endOfUtteranceMsg
	m.Message = "EndOfUtterance"
	m.Metadata.StartTime, m.Metadata.EndTime = s.now.Seconds(), s.now.Seconds()
	s.c.Send(m)
}

// finalize sends the first n pending words as an AddTranscript covering the
// audio up to them (or up to now if n is all of them and nothing is being
// spoken).
func (s *session) finalize(n int, period bool) {
	ws := s.pending[:n]
	end := s.now
	if s.cur != nil {
		end = s.cur.start
	}
	if n < len(s.pending) {
		end = s.pending[n].start
	}
	m := transcriptMsg{Message: "AddTranscript", Format: "2.9", Metadata: metadata{StartTime: s.finalTo.Seconds(), EndTime: end.Seconds()}}
	m.Results = s.results(ws)
	if period && len(ws) > 0 {
		at := ws[len(ws)-1].end.Seconds()
		m.Results = append(m.Results, resultJSON{Type: "punctuation", StartTime: at, EndTime: at, AttachesTo: "previous", IsEOS: true,
			Alternatives: []alternative{{Content: ".", Confidence: 1}}})
	}
	m.Metadata.Transcript = transcript(m.Results)
	s.pending = append(s.pending[:0], s.pending[n:]...)
	s.finalTo, s.lastFinal = max(s.finalTo, end), s.now
	s.c.Send(m)
}

// partial sends the words not final yet.
func (s *session) partial() {
	if !s.req.TranscriptionConfig.EnablePartials {
		return
	}
	ws := s.pending
	if s.cur != nil {
		ws = append(ws[:len(ws):len(ws)], *s.cur)
	}
	m := transcriptMsg{Message: "AddPartialTranscript", Format: "2.9", Metadata: metadata{StartTime: s.finalTo.Seconds(), EndTime: s.now.Seconds()}}
	m.Results = s.results(ws)
	m.Metadata.Transcript = transcript(m.Results)
	s.c.Send(m)
}

func (s *session) results(ws []word) []resultJSON {
	out := make([]resultJSON, 0, len(ws)+1)
	for _, w := range ws {
		alt := alternative{Content: w.text, Confidence: w.conf, Language: s.req.TranscriptionConfig.Language}
		if s.req.TranscriptionConfig.Diarization == "speaker" {
			alt.Speaker = "S1"
		}
		out = append(out, resultJSON{Type: "word", StartTime: w.start.Seconds(), EndTime: w.end.Seconds(), Alternatives: []alternative{alt}})
	}
	return out
}

// transcript is metadata.transcript: words spaced, punctuation attached.
func transcript(rs []resultJSON) string {
	var out string
	for i, r := range rs {
		if i > 0 && r.Type == "word" {
			out += " "
		}
		out += r.Alternatives[0].Content
	}
	return out
}
