package ttssocket

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/writers"
)

// Config is what a socket needs from its client.
type Config[U comparable] struct {
	// Dial opens the websocket when the socket is not given one.
	Dial func(context.Context) (*websocket.Conn, error)
	// Read handles one message from the service; false stops reading.
	Read func(kind int, msg []byte) bool
	// Lost tells u, the utterance attached when the socket failed, why;
	// connected reports whether the handshake had succeeded.
	Lost func(u U, err error, connected bool)

	QueueLen      int           // messages queued before Send refuses
	WriteTimeout  time.Duration // per message: a stalled service holds a pooled writer no longer
	Writers       *writers.Pool // writes the socket [writers.Shared("tts")]
	ErrConnection error         // wrapped by every failure to read or write, a close frame included
	ErrQueueFull  error         // returned by Send
}

// Socket is one websocket serving utterances of type U one at a time: a
// reader goroutine handing messages to Config.Read, and a bounded queue
// written by a pooled writer scheduled when it has something.
type Socket[U comparable] struct {
	c       Config[U]
	wg      *sync.WaitGroup // the session's: every socket goroutine
	slot    *writers.Slot
	writing atomic.Bool // open: queued messages are written as they come
	qmu     sync.Mutex
	queue   []queued
	// the writer's own (flush)
	spare   []queued
	written bool // Drain's marker or a failed write: nothing more goes out

	quit    chan struct{}
	drained chan struct{} // closed by the writer at Drain's marker
	ctx     context.Context
	cancel  context.CancelFunc
	once    sync.Once
	owner   U // the utterance it was dialled for; zero if none

	// mu is the one lock of the socket, its client's state included (see
	// Lock), so that attaching and failing are seen in one order.
	mu        sync.Mutex
	ws        *websocket.Conn
	u         U    // the utterance being spoken, if any
	connected bool // the handshake succeeded
	dead      bool // failed or closed: it will never carry an utterance
}

// New makes a socket on ws, or one that dials when started if ws is nil,
// attached to owner. Its goroutines count in wg and dialling stops when
// ctx is cancelled. Messages sent before Start go out first once open.
func New[U comparable](ctx context.Context, wg *sync.WaitGroup, ws *websocket.Conn, owner U, c Config[U]) *Socket[U] {
	ctx, cancel := context.WithCancel(ctx)
	k := &Socket[U]{
		c: c, wg: wg, quit: make(chan struct{}), drained: make(chan struct{}),
		ctx: ctx, cancel: cancel, owner: owner, ws: ws, u: owner, connected: ws != nil,
	}
	pool := c.Writers
	if pool == nil {
		pool = writers.Shared("tts")
	}
	k.slot = writers.NewSlot(pool, k.flush)
	return k
}

// Start dials if needed, then reads until the socket ends; the queue is
// written meanwhile.
func (k *Socket[U]) Start() {
	k.wg.Add(1)
	go k.run()
}

func (k *Socket[U]) run() {
	defer k.wg.Done()
	ws := k.ws // set by New, before this goroutine: no lock needed
	if ws == nil {
		var err error
		if ws, err = k.c.Dial(k.ctx); err != nil {
			k.fail(err)
			return
		}
		k.mu.Lock()
		if k.dead {
			k.mu.Unlock()
			ws.Close()
			return
		}
		k.ws, k.connected = ws, true
		k.mu.Unlock()
	}
	k.writing.Store(true) // after k.ws is set: the writer reads it
	k.slot.Notify()       // what was queued while dialling
	k.read(ws)
	// Reading stops with a failure, or when the client has heard all it
	// wanted: writes may still be due until the socket is shut down.
	<-k.quit
	k.slot.Stop()
}

// Owner is the utterance the socket was dialled for.
func (k *Socket[U]) Owner() U { return k.owner }

// Lock takes the socket's lock, for a client keeping state of its own
// under it; the Locked methods need it held.
func (k *Socket[U]) Lock() { k.mu.Lock() }

// Unlock releases the lock taken by Lock.
func (k *Socket[U]) Unlock() { k.mu.Unlock() }

// Attach binds the socket to u unless it is dead.
func (k *Socket[U]) Attach(u U) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return false
	}
	k.u = u
	return true
}

// Attached is the utterance being spoken, if any.
func (k *Socket[U]) Attached() U {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.u
}

// AttachedLocked is Attached with the lock held.
func (k *Socket[U]) AttachedLocked() U { return k.u }

// Detach unbinds u if it is the utterance being spoken.
func (k *Socket[U]) Detach(u U) {
	k.mu.Lock()
	k.DetachLocked(u)
	k.mu.Unlock()
}

// DetachLocked is Detach with the lock held.
func (k *Socket[U]) DetachLocked(u U) {
	if k.u == u {
		var none U
		k.u = none
	}
}

// DeadLocked reports, with the lock held, whether the socket has failed or
// been closed.
func (k *Socket[U]) DeadLocked() bool { return k.dead }
