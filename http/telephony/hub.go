package telephony

import (
	"context"
	"sync"
	"time"
)

// Hub tracks a node's live media streams, so they can be closed at
// shutdown: Fiber's Shutdown does not close hijacked websockets.
type Hub struct {
	timings Timings
	mu      sync.Mutex
	streams map[*Stream]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// Timings records the engine's own latency up to the carrier's socket
// (*metrics.Overhead): from the input that caused a message to the
// message written.
type Timings interface {
	AudioToFrame(time.Duration)
	BargeInToClear(time.Duration)
}

// NewHub returns an empty hub whose streams report to t (nil: nowhere).
func NewHub(t Timings) *Hub { return &Hub{timings: t, streams: map[*Stream]struct{}{}} }

// Timings is where the hub's streams report (nil: nowhere), for a
// carrier without streams (SIP) to report to the same.
func (h *Hub) Timings() Timings { return h.timings }

// add registers a stream; false once the hub is closed.
func (h *Hub) add(s *Stream) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.streams[s] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *Hub) remove(s *Stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.streams[s]; ok {
		delete(h.streams, s)
		h.wg.Done()
	}
}

// Len is the number of live streams.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.streams)
}

// Close refuses new streams and closes every live one: their calls end
// with events.EndShutdown. It then waits, until ctx is done, for their
// handlers to return.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	live := make([]*Stream, 0, len(h.streams))
	for s := range h.streams {
		live = append(live, s)
	}
	h.mu.Unlock()
	for _, s := range live {
		s.shutdown()
	}
	waited := make(chan struct{})
	go func() { h.wg.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
