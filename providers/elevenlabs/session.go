package elevenlabs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// session is a call's synthesis. ElevenLabs' stream-input socket carries one
// generation, so each utterance takes a socket of its own at its first
// Send; the session keeps the next one dialled (warm) so that an utterance
// never waits for a handshake.
//
// Lock order: session.mu before socket.mu; utterance.mu before session.mu.
type session struct {
	bos      []byte
	src, out voice.Format // what the service sends, what the engine wants
	gain     float64
	stall    time.Duration
	dialer   ttssocket.Dialer

	ctx    context.Context // cancelled by Close: aborts dials
	cancel context.CancelFunc
	wg     sync.WaitGroup // every socket goroutine

	mu     sync.Mutex
	closed bool
	warm   *socket    // the next utterance's socket, dialled or dialling
	cur    *utterance // the utterance being spoken
}

// Speak starts an utterance. It takes a socket at its first Send.
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
	s.cur = &utterance{s: s, emit: emit, conv: conv, out: audioconv.NewHoldback(s.out)}
	return s.cur, nil
}

// Close cancels the utterance being spoken and closes every socket.
func (s *session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cur, warm := s.cur, s.warm
	s.cur, s.warm = nil, nil
	s.mu.Unlock()
	if cur != nil {
		cur.Cancel()
	}
	if warm != nil {
		warm.Close()
	}
	s.cancel()
	s.wg.Wait()
	return nil
}

// prewarm dials the next utterance's socket if there is none.
func (s *session) prewarm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed && s.warm == nil {
		s.warm = s.openSocket(nil, nil)
	}
}

// release forgets u as the current utterance.
func (s *session) release(u *utterance) {
	s.mu.Lock()
	if s.cur == u {
		s.cur = nil
	}
	s.mu.Unlock()
}

// take gives u the warm socket, or a new one if there is none or it has
// died. The caller holds u.mu.
func (s *session) take(u *utterance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if k := s.warm; k != nil {
		s.warm = nil
		u.k = k // before the reader can see u
		if k.Attach(u) {
			return nil
		}
		k.Close()
	}
	s.openSocket(nil, u)
	return nil
}
