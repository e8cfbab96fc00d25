package elevenlabs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs/elevenlabsfake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-test"

// recorder collects an utterance's events and flags any that arrive after
// it was cancelled.
type recorder struct {
	t      testing.TB
	mu     sync.Mutex
	events []voice.TTSEvent
	sealed bool
	done   chan struct{}
}

func newRecorder(t testing.TB) *recorder { return &recorder{t: t, done: make(chan struct{})} }

func (r *recorder) emit(e voice.TTSEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sealed {
		r.t.Errorf("event %T after Cancel returned", e)
	}
	r.events = append(r.events, e)
	switch e.(type) {
	case *voice.TTSDone, *voice.TTSError:
		close(r.done)
	}
}

// seal marks the point after which no event may arrive.
func (r *recorder) seal() {
	r.mu.Lock()
	r.sealed = true
	r.mu.Unlock()
}

// wait returns the events once the utterance has ended.
func (r *recorder) wait() []voice.TTSEvent {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		r.t.Fatal("utterance did not end")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]voice.TTSEvent(nil), r.events...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// result splits events into audio, words and the final event, checking
// that only the last one ends the utterance.
func result(t testing.TB, events []voice.TTSEvent) (audio []byte, words []voice.Word, last voice.TTSEvent) {
	t.Helper()
	for i, e := range events {
		switch e := e.(type) {
		case *voice.TTSAudio:
			audio = append(audio, e.Audio...)
			words = append(words, e.Words...)
		case *voice.TTSDone, *voice.TTSError:
			if i != len(events)-1 {
				t.Fatalf("event %d of %d is final: %T", i, len(events), e)
			}
		}
	}
	return audio, words, events[len(events)-1]
}

func done(t testing.TB, last voice.TTSEvent) *voice.TTSDone {
	t.Helper()
	d, ok := last.(*voice.TTSDone)
	if !ok {
		if e, ok := last.(*voice.TTSError); ok {
			t.Fatalf("utterance failed: %v", e.Err)
		}
		t.Fatalf("utterance ended with %#v", last)
	}
	return d
}

func failed(t testing.TB, last voice.TTSEvent) error {
	t.Helper()
	e, ok := last.(*voice.TTSError)
	if !ok {
		t.Fatalf("utterance ended with %#v, want an error", last)
	}
	return e.Err
}

// spokenWords decodes fakespeech words from μ-law audio.
func spokenWords(audio []byte) []string {
	var out []string
	for i := 0; i+fakespeech.FrameBytes <= len(audio); i += fakespeech.FrameBytes {
		if f := fakespeech.Decode(audio[i : i+fakespeech.FrameBytes]); f.Kind == fakespeech.KindWord {
			out = append(out, f.Word)
		}
	}
	return out
}

// expectedWords is the timing the fake gives words spoken in a row.
func expectedWords(words ...string) []voice.Word {
	var out []voice.Word
	var at time.Duration
	for i, w := range words {
		if i > 0 {
			at += 80 * time.Millisecond
		}
		d := fakespeech.WordDuration(w)
		out = append(out, voice.Word{Text: w, Start: at, End: at + d})
		at += d
	}
	return out
}

func settings() assistant.TTSSettings {
	return assistant.TTSSettings{
		Provider: "elevenlabs", VoiceID: "rachel", ModelID: "turbo", Latency: 1,
		Stability: 0.5, SimilarityBoost: 0.75, Style: 0.1, Speed: 1.1, Volume: 1, UseSpeakerBoost: true,
	}
}

func startFake(t testing.TB, o elevenlabsfake.Options) *elevenlabsfake.Server {
	t.Helper()
	if o.Key == "" {
		o.Key = testKey
	}
	srv, err := elevenlabsfake.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func open(t testing.TB, tts *TTS, srv *elevenlabsfake.Server, f voice.Format, s assistant.TTSSettings) voice.TTSSession {
	t.Helper()
	sess, err := tts.OpenTTS(context.Background(), voice.TTSOptions{Settings: s, Format: f, Key: testKey, BaseURL: srv.BaseURL + "/el"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// say speaks chunks as one utterance and returns its events.
func say(t testing.TB, sess voice.TTSSession, chunks ...string) []voice.TTSEvent {
	t.Helper()
	r := newRecorder(t)
	u, err := sess.Speak(r.emit)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if err := u.Send(c); errors.Is(err, ErrEnded) {
			return r.wait() // it failed already
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if err := u.End(); err != nil {
		t.Fatal(err)
	}
	return r.wait()
}

func equalWords(got, want []voice.Word) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d words %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("word %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}

func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}
