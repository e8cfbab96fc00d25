package ttstest

import (
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// Recorder collects an utterance's events and flags any that arrive after
// it was cancelled.
type Recorder struct {
	t      testing.TB
	mu     sync.Mutex
	events []voice.TTSEvent
	sealed bool
	done   chan struct{}
}

// NewRecorder returns a recorder that reports to t.
func NewRecorder(t testing.TB) *Recorder { return &Recorder{t: t, done: make(chan struct{})} }

// Emit records e; it is the callback given to Speak.
func (r *Recorder) Emit(e voice.TTSEvent) {
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

// Seal marks the point after which no event may arrive.
func (r *Recorder) Seal() {
	r.mu.Lock()
	r.sealed = true
	r.mu.Unlock()
}

// Wait returns the events once the utterance has ended.
func (r *Recorder) Wait() []voice.TTSEvent {
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

// Count returns how many events have arrived so far.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}
