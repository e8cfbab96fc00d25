package voicetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// TTS synthesises text instantly as fakespeech μ-law audio, with word
// timings, so what the caller heard can be decoded.
type TTS struct {
	mu       sync.Mutex
	sessions int
	open     int
	texts    []string
	FailOpen error
}

// OpenTTS implements voice.TTS.
func (t *TTS) OpenTTS(context.Context, voice.TTSOptions) (voice.TTSSession, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.FailOpen != nil {
		return nil, t.FailOpen
	}
	t.sessions++
	t.open++
	return &ttsSession{tts: t}, nil
}

// Texts returns every text chunk synthesised.
func (t *TTS) Texts() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.texts)
}

// Sessions counts sessions opened.
func (t *TTS) Sessions() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sessions
}

// Open counts sessions not yet closed.
func (t *TTS) Open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

type ttsSession struct {
	tts    *TTS
	mu     sync.Mutex
	closed bool
}

func (s *ttsSession) Speak(emit func(voice.TTSEvent)) (voice.Utterance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("session closed")
	}
	return &utterance{session: s, emit: emit}, nil
}

func (s *ttsSession) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.tts.mu.Lock()
		s.tts.open--
		s.tts.mu.Unlock()
	}
	return nil
}

type utterance struct {
	session   *ttsSession
	mu        sync.Mutex
	emit      func(voice.TTSEvent)
	cancelled bool
	offset    time.Duration
}

func (u *utterance) Send(text string) error {
	u.session.tts.mu.Lock()
	u.session.tts.texts = append(u.session.tts.texts, text)
	u.session.tts.mu.Unlock()
	frames := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})
	var audio []byte
	var words []voice.Word
	for i, f := range frames {
		if d := fakespeech.Decode(f); d.Kind == fakespeech.KindWord {
			st := u.offset + time.Duration(i)*voice.FrameDuration
			words = append(words, voice.Word{Text: d.Word, Start: st, End: st + fakespeech.WordDuration(d.Word)})
		}
		audio = append(audio, f...)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cancelled {
		return nil
	}
	u.offset += time.Duration(len(frames)) * voice.FrameDuration
	u.emit(&voice.TTSAudio{Audio: audio, Words: words})
	return nil
}

func (u *utterance) End() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.cancelled {
		u.emit(&voice.TTSDone{})
	}
	return nil
}

func (u *utterance) Cancel() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.cancelled = true
}
