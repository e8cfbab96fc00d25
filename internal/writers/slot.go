package writers

import (
	"sync"
	"sync/atomic"
)

// slotState is where a slot is between Notify and its flush.
type slotState uint32

const (
	slotIdle    slotState = iota // nothing to write
	slotQueued                   // waiting for a writer
	slotRunning                  // a writer is flushing it
	slotAgain                    // flushing, and notified since: flush again after
	slotStopped                  // Stop was called: never flushed again
)

// Slot is one socket's place in a pool: Notify schedules its flush, which
// runs on one pooled writer at a time, so the flush needs no lock of its
// own against itself.
type Slot struct {
	pool  *Pool
	flush func()
	state atomic.Uint32
	// mu is held while flushing, so that Stop can wait for a flush under
	// way to end.
	mu     sync.Mutex
	active bool // counted in the pool's active slots (under the pool's lock)
}

// NewSlot returns a slot on p whose flush writes what its socket has
// queued; flush must return once the queue is written or the socket failed
// (a write deadline bounds it).
func NewSlot(p *Pool, flush func()) *Slot {
	return &Slot{pool: p, flush: flush}
}

// Notify says the socket has something to write; it never blocks.
func (s *Slot) Notify() {
	for {
		switch st := slotState(s.state.Load()); st {
		case slotIdle:
			if s.state.CompareAndSwap(uint32(st), uint32(slotQueued)) {
				s.pool.submit(s)
				return
			}
		case slotRunning:
			if s.state.CompareAndSwap(uint32(st), uint32(slotAgain)) {
				return
			}
		default: // already queued or rerunning, or stopped
			return
		}
	}
}

// run flushes on a pooled writer; a Notify during the flush puts the slot
// back at the queue's tail, behind the sockets that waited meanwhile.
func (s *Slot) run() {
	s.mu.Lock()
	if !s.state.CompareAndSwap(uint32(slotQueued), uint32(slotRunning)) {
		s.mu.Unlock() // stopped while queued
		return
	}
	s.flush()
	s.mu.Unlock()
	if s.state.CompareAndSwap(uint32(slotRunning), uint32(slotIdle)) {
		return
	}
	if s.state.CompareAndSwap(uint32(slotAgain), uint32(slotQueued)) {
		s.pool.submit(s)
	}
}

// Stop ends the slot's flushes: it waits for one under way, and none runs
// after it returns. Every slot notified must be stopped: the pool keeps
// its writers while one is not.
func (s *Slot) Stop() {
	s.state.Store(uint32(slotStopped))
	s.mu.Lock()
	//lint:ignore SA2001 the lock is taken only to wait for a flush under way
	s.mu.Unlock()
	s.pool.release(s)
}
