package actors

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// Workers is a dispatcher that runs mailboxes on a fixed set of
// long-lived goroutines. Proto.Actor's default starts a goroutine each time
// a mailbox wakes: on a call's media path that is a goroutine (and a stack
// grown afresh to the call path's depth) every 20 ms per call. A worker's
// stack grows once and stays grown.
//
// Mailboxes on Workers must not block for long in Receive: a worker busy
// waiting holds up the mailboxes queued behind it. A mailbox scheduled
// when every worker is busy and the queue is full, or after Close, runs on
// a goroutine of its own, so a sender never blocks.
type Workers struct {
	jobs       chan func()
	throughput int
	wg         sync.WaitGroup

	mu     sync.RWMutex // Schedule reads, Close writes: no send on a closed queue
	closed bool
}

var _ actor.Dispatcher = (*Workers)(nil)

// NewWorkers starts n workers, each running a mailbox for up to throughput
// messages before it lets the next go first.
func NewWorkers(n, throughput int) *Workers {
	w := &Workers{jobs: make(chan func(), 64*n), throughput: throughput}
	w.wg.Add(n)
	for range n {
		go w.run()
	}
	return w
}

func (w *Workers) run() {
	defer w.wg.Done()
	for fn := range w.jobs {
		fn()
	}
}

// Schedule implements actor.Dispatcher.
func (w *Workers) Schedule(fn func()) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if !w.closed {
		select {
		case w.jobs <- fn:
			return
		default:
		}
	}
	go fn()
}

// Throughput implements actor.Dispatcher.
func (w *Workers) Throughput() int { return w.throughput }

// Close stops the workers once the queued mailboxes have run; mailboxes
// scheduled later run on goroutines of their own.
func (w *Workers) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	w.wg.Wait()
}
