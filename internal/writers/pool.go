// Package writers is a shared, bounded pool of goroutines that write to
// sockets. A socket with a goroutine of its own for writing holds that
// goroutine (and its stack) for its whole life, though it has something to
// write for a few microseconds every 20 ms; here a socket is scheduled onto
// a pooled writer only when it has data, and gives the writer back once
// its queue is written.
//
// A write blocked on a stalled peer holds its pooled writer until the
// socket's write deadline, after which the socket fails; the pool starts
// another writer (up to its bound) whenever work waits and every writer is
// busy, so other sockets' writes go on meanwhile.
package writers

import (
	"runtime"
	"sync"
)

// Pool runs scheduled flushes on at most max goroutines, started as work
// needs them and kept while any socket that has written is open (a
// writer's stack grows once); when the last one stops, so do the writers.
type Pool struct {
	max int

	mu      sync.Mutex
	cond    sync.Cond // work queued, or the last slot stopped
	exited  sync.Cond // a writer ended
	queue   []*Slot   // FIFO; each slot at most once
	head    int
	workers int // running
	idle    int // waiting in cond
	busy    int // flushing
	active  int // slots notified at least once and not stopped
}

// New returns a pool of at most n writers (at least 1).
func New(n int) *Pool {
	p := &Pool{max: max(n, 1)}
	p.cond.L = &p.mu
	p.exited.L = &p.mu
	return p
}

// shared holds the process's pools by class of peer.
var shared sync.Map // string → *Pool

// Shared is the process's pool for one class of peer ("carrier", "stt",
// "tts"), made on first use with room for 32 stalled peers per core before
// a stall delays another socket's write. Peers that stall together (a
// provider's outage) share a pool, so their stalls never hold up another
// class's writes: the callers keep hearing the assistant while a
// recogniser hangs.
func Shared(class string) *Pool {
	if p, ok := shared.Load(class); ok {
		return p.(*Pool)
	}
	p, _ := shared.LoadOrStore(class, New(32*runtime.GOMAXPROCS(0)))
	return p.(*Pool)
}

// Workers is how many writers the pool has started.
func (p *Pool) Workers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers
}

func (p *Pool) submit(s *Slot) {
	p.mu.Lock()
	if !s.active {
		s.active = true
		p.active++
	}
	p.queue = append(p.queue, s)
	switch {
	case p.idle > 0:
		p.cond.Signal()
	case p.workers < p.max:
		p.workers++
		go p.run()
	}
	p.mu.Unlock()
}

func (p *Pool) run() {
	p.mu.Lock()
	for {
		for p.head == len(p.queue) {
			if p.active == 0 {
				p.workers--
				p.exited.Broadcast()
				p.mu.Unlock()
				return
			}
			p.idle++
			p.cond.Wait()
			p.idle--
		}
		s := p.queue[p.head]
		p.queue[p.head] = nil
		p.head++
		switch {
		case p.head == len(p.queue): // drained: reuse the array from the start
			p.queue, p.head = p.queue[:0], 0
		case p.head > len(p.queue)/2: // a queue never drained must not grow without end
			n := copy(p.queue, p.queue[p.head:])
			clear(p.queue[n:])
			p.queue, p.head = p.queue[:n], 0
		}
		p.busy++
		p.mu.Unlock()
		s.run()
		p.mu.Lock()
		p.busy--
	}
}

// release forgets a stopped slot. The writers end with the last one,
// which waits for the idle ones to be gone (not for one still returning
// from a flush, which may be the caller), so that nothing is left running
// once the last socket is stopped.
func (p *Pool) release(s *Slot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !s.active {
		return
	}
	s.active = false
	p.active--
	if p.active > 0 {
		return
	}
	p.cond.Broadcast()
	for p.active == 0 && p.workers > p.busy {
		p.exited.Wait()
	}
}
