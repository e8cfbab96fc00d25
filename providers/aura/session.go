package aura

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// session is a call's synthesis over one socket, which its utterances
// share: Speak messages for each chunk, a Flush at the end, Flushed when
// the audio is complete; a cancelled utterance is cleared and the socket
// kept. A socket that dies is replaced at the next Speak.
//
// Lock order: utterance.mu, then session.mu, then socket.mu.
type session struct {
	src, out voice.Format // what the service sends, what the engine wants
	gain     float64
	stall    time.Duration
	dialer   ttssocket.Dialer

	ctx    context.Context // cancelled by Close: aborts dials
	cancel context.CancelFunc
	wg     sync.WaitGroup // every socket goroutine

	mu     sync.Mutex
	closed bool
	k      *socket
	cur    *utterance
}

// Speak starts an utterance. It takes the socket at its first Send.
func (s *session) Speak(emit func(voice.TTSEvent)) (voice.Utterance, error) {
	conv, err := audioconv.New(s.src, s.out, s.gain)
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
	s.cur = &utterance{s: s, emit: emit, conv: conv}
	return s.cur, nil
}

// Close cancels the utterance being spoken, says Close and closes the
// socket.
func (s *session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cur, k := s.cur, s.k
	s.cur = nil
	s.mu.Unlock()
	if cur != nil {
		cur.Cancel()
	}
	k.Drain(closeMessage) // says Close, and waits a moment for it to go out
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

// take gives u the session's socket, or a new one if it has died. The
// caller holds u.mu.
func (s *session) take(u *utterance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	u.k = s.k // before the reader can see u
	if !s.k.Attach(u) {
		s.k.Close()
		s.k = s.openSocket(nil, u)
	}
	return nil
}
