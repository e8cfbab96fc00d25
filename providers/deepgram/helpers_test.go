package deepgram

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "dg-test-key"

// testConfig reconnects fast and never gives up waiting on Close in tests.
var testConfig = Config{BackoffMin: time.Millisecond, BackoffMax: 5 * time.Millisecond, CloseTimeout: 10 * time.Second}

// startFake runs a fake under a path prefix for one test.
func startFake(t *testing.T, cfg deepgramfake.Config) (*deepgramfake.Server, string) {
	t.Helper()
	cfg.Key = testKey
	srv, base, stop := deepgramfake.Start(cfg)
	t.Cleanup(stop)
	return srv, base + "/deepgram"
}

// v1Settings are the defaults, tuned for short tests and unpunctuated text.
func v1Settings() assistant.STTSettings {
	s := assistant.Defaults().STTSettings
	s.Punctuate, s.SmartFormat = false, false
	s.Endpointing.SilenceThreshold = 300
	return s
}

func fluxSettings() assistant.STTSettings {
	s := v1Settings()
	s.Model = "flux-general-en"
	s.FluxConfig.EagerEOTThreshold = 0.5
	return s
}

// recorder collects events and flags any emitted after Close returned.
type recorder struct {
	mu     sync.Mutex
	events []voice.STTEvent
	closed bool
	late   []voice.STTEvent
}

func (r *recorder) emit(e voice.STTEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.late = append(r.late, e)
	}
	r.events = append(r.events, e)
}

func (r *recorder) all() []voice.STTEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]voice.STTEvent(nil), r.events...)
}

// closeStream closes st and checks that nothing is emitted afterwards.
func (r *recorder) closeStream(t *testing.T, st voice.STTStream) {
	t.Helper()
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	t.Cleanup(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.late) > 0 {
			t.Errorf("emitted after Close: %s", describe(r.late))
		}
	})
}

func of[T voice.STTEvent](evs []voice.STTEvent) []T {
	var out []T
	for _, e := range evs {
		if v, ok := e.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func finals(evs []voice.STTEvent) []*voice.Transcript {
	var out []*voice.Transcript
	for _, t := range of[*voice.Transcript](evs) {
		if t.Final {
			out = append(out, t)
		}
	}
	return out
}

func finalWords(evs []voice.STTEvent) []voice.Word {
	var out []voice.Word
	for _, t := range finals(evs) {
		out = append(out, t.Words...)
	}
	return out
}

// describe renders events compactly for failure messages.
func describe(evs []voice.STTEvent) string {
	var b strings.Builder
	for _, e := range evs {
		switch e := e.(type) {
		case *voice.SpeechStarted:
			fmt.Fprintf(&b, "start@%v ", e.At)
		case *voice.Transcript:
			kind := "interim"
			if e.SpeechFinal {
				kind = "speechfinal"
			} else if e.Final {
				kind = "final"
			}
			fmt.Fprintf(&b, "%s(%q %v-%v) ", kind, e.Text, e.Start, e.End)
		case *voice.EagerEndOfTurn:
			fmt.Fprintf(&b, "eager(%q) ", e.Text)
		case *voice.TurnResumed:
			b.WriteString("resumed ")
		case *voice.EndOfTurn:
			fmt.Fprintf(&b, "eot(%q) ", e.Text)
		case *voice.STTError:
			fmt.Fprintf(&b, "error(fatal=%v %v) ", e.Fatal, e.Err)
		}
	}
	return b.String()
}

// script is caller audio and the words it carries, timed in the stream.
type script struct {
	frames [][]byte
	words  []voice.Word
	starts []time.Duration // where each utterance starts
}

func (s *script) at() time.Duration { return time.Duration(len(s.frames)) * fakespeech.FrameDuration }

func (s *script) silence(d time.Duration) *script {
	s.frames = append(s.frames, fakespeech.Silence(d)...)
	return s
}

func (s *script) noise(d time.Duration) *script {
	s.frames = append(s.frames, fakespeech.Noise(d)...)
	return s
}

// say speaks words with the default 80 ms gaps.
func (s *script) say(text string) *script {
	s.starts = append(s.starts, s.at())
	for i, w := range fakespeech.Words(text) {
		if i > 0 {
			s.silence(80 * time.Millisecond)
		}
		start := s.at()
		s.frames = append(s.frames, fakespeech.Speak(fakespeech.Utterance{Words: []string{w}})...)
		s.words = append(s.words, voice.Word{Text: w, Start: start, End: s.at(), Confidence: 0.99})
	}
	return s
}

func (s *script) send(t *testing.T, st voice.STTStream) {
	t.Helper()
	for _, f := range s.frames {
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// sendPaced sends n frames a millisecond, like a carrier but faster than
// real time; the ticker paces the caller, it does not wait for a result.
func (s *script) sendPaced(t *testing.T, st voice.STTStream, n int) {
	t.Helper()
	tk := time.NewTicker(time.Millisecond)
	defer tk.Stop()
	for i, f := range s.frames {
		if i%n == 0 {
			<-tk.C
		}
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// keepTalking streams silence, as a carrier does, until done reports true.
// The ticker paces a simulated caller; it does not wait for a result.
func (s *script) keepTalking(t *testing.T, st voice.STTStream, done func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met while talking")
		}
		<-tick.C
		f := fakespeech.Silence(fakespeech.FrameDuration)[0]
		s.frames = append(s.frames, f)
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// open starts a stream on the fake at base.
func open(t *testing.T, c *Client, base string, s assistant.STTSettings, rec *recorder) voice.STTStream {
	t.Helper()
	st, err := c.OpenSTT(context.Background(), voice.STTOptions{Settings: s, Format: voice.Telephony, Key: testKey, BaseURL: base}, rec.emit)
	if err != nil {
		t.Fatalf("OpenSTT: %v", err)
	}
	return st
}

func sameWords(got, want []voice.Word) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d words, want %d: %v", len(got), len(want), got)
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("word %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}
