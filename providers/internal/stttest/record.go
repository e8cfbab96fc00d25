package stttest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// Recorder collects events and flags any emitted after Close returned.
type Recorder struct {
	mu     sync.Mutex
	events []voice.STTEvent
	closed bool
	late   []voice.STTEvent
}

// Emit is the stream's emit function.
func (r *Recorder) Emit(e voice.STTEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.late = append(r.late, e)
	}
	r.events = append(r.events, e)
}

// All returns the events so far.
func (r *Recorder) All() []voice.STTEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]voice.STTEvent(nil), r.events...)
}

// Close closes st and checks that nothing is emitted afterwards.
func (r *Recorder) Close(t *testing.T, st voice.STTStream) {
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
			t.Errorf("emitted after Close: %s", Describe(r.late))
		}
	})
}

// Of returns the events of one type.
func Of[T voice.STTEvent](evs []voice.STTEvent) []T {
	var out []T
	for _, e := range evs {
		if v, ok := e.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// Finals returns the final transcripts.
func Finals(evs []voice.STTEvent) []*voice.Transcript {
	var out []*voice.Transcript
	for _, t := range Of[*voice.Transcript](evs) {
		if t.Final {
			out = append(out, t)
		}
	}
	return out
}

// FinalWords returns the words of the final transcripts, in order.
func FinalWords(evs []voice.STTEvent) []voice.Word {
	var out []voice.Word
	for _, t := range Finals(evs) {
		out = append(out, t.Words...)
	}
	return out
}

// Describe renders events compactly for failure messages.
func Describe(evs []voice.STTEvent) string {
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

// Script is caller audio and the words it carries, timed in the stream.
type Script struct {
	Frames [][]byte
	Words  []voice.Word
	Starts []time.Duration // where each utterance starts
}

// At is the script's length so far.
func (s *Script) At() time.Duration { return time.Duration(len(s.Frames)) * fakespeech.FrameDuration }

// Silence adds d of silence.
func (s *Script) Silence(d time.Duration) *Script {
	s.Frames = append(s.Frames, fakespeech.Silence(d)...)
	return s
}

// Noise adds d of noise that is not speech.
func (s *Script) Noise(d time.Duration) *Script {
	s.Frames = append(s.Frames, fakespeech.Noise(d)...)
	return s
}

// Say speaks words with 80 ms gaps.
func (s *Script) Say(text string) *Script {
	s.Starts = append(s.Starts, s.At())
	for i, w := range fakespeech.Words(text) {
		if i > 0 {
			s.Silence(80 * time.Millisecond)
		}
		start := s.At()
		s.Frames = append(s.Frames, fakespeech.Speak(fakespeech.Utterance{Words: []string{w}})...)
		s.Words = append(s.Words, voice.Word{Text: w, Start: start, End: s.At(), Confidence: 0.99})
	}
	return s
}

// Send sends every frame at once.
func (s *Script) Send(t *testing.T, st voice.STTStream) {
	t.Helper()
	for _, f := range s.Frames {
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// SendPaced sends n frames a millisecond, like a carrier but faster than
// real time; the ticker paces the caller, it does not wait for a result.
func (s *Script) SendPaced(t *testing.T, st voice.STTStream, n int) {
	t.Helper()
	tk := time.NewTicker(time.Millisecond)
	defer tk.Stop()
	for i, f := range s.Frames {
		if i%n == 0 {
			<-tk.C
		}
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// KeepTalking streams silence, as a carrier does, until done reports true.
// The ticker paces a simulated caller; it does not wait for a result.
func (s *Script) KeepTalking(t *testing.T, st voice.STTStream, done func() bool) {
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
		s.Frames = append(s.Frames, f)
		if err := st.SendAudio(f); err != nil {
			t.Fatalf("SendAudio: %v", err)
		}
	}
}

// SameWords compares words exactly.
func SameWords(got, want []voice.Word) error {
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
