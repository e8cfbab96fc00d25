package openaitts

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// session is a call's synthesis: utterances one at a time, each a series
// of requests on the shared client.
type session struct {
	client *http.Client
	url    string
	key    string
	req    request // the template of every request
	out    voice.Format
	gain   float64
	stall  time.Duration

	ctx    context.Context // cancelled by Close: aborts every request
	cancel context.CancelFunc
	wg     sync.WaitGroup // players and requests

	mu     sync.Mutex
	closed bool
	cur    *utterance
}

// Speak starts an utterance.
func (s *session) Speak(emit func(voice.TTSEvent)) (voice.Utterance, error) {
	conv, err := audioconv.New(source, s.out, s.gain)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.cur != nil {
		return nil, ErrBusy
	}
	u := &utterance{s: s, emit: emit, conv: conv, wake: make(chan struct{}, 1)}
	u.ctx, u.cancel = context.WithCancel(s.ctx)
	s.cur = u
	return u, nil
}

// Close cancels the utterance being spoken and waits for its requests to
// end.
func (s *session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cur := s.cur
	s.mu.Unlock()
	if cur != nil {
		cur.Cancel()
	}
	s.cancel()
	s.wg.Wait()
	return nil
}

// release forgets u as the current utterance.
func (s *session) release(u *utterance) {
	s.mu.Lock()
	if s.cur == u {
		s.cur = nil
	}
	s.mu.Unlock()
}
