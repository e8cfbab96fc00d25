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

// phase is how far a socket's connection has got. A socket opened ahead of
// need (a session's next utterance's) owes nobody anything until an
// utterance is attached, so until then no goroutine waits on it: a
// hundred idle calls hold a hundred connections, not a hundred readers.
type phase uint8

const (
	opening phase = iota // dialling, then writing what was queued meanwhile
	idle                 // open, unread and unwritten until an utterance is attached
	serving              // a goroutine reads it, and queued messages go out as they come
)

// Socket is one websocket serving utterances of type U one at a time: a
// reader goroutine handing messages to Config.Read, and a bounded queue
// written by a pooled writer scheduled when it has something. Both start
// once the socket is open and an utterance is attached (or Drain is
// called); before that, what the service sends waits in the connection,
// and a socket the service closed meanwhile fails as soon as it is read,
// which the client's Lost handles like any other loss.
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
	u         U // the utterance being spoken, if any
	phase     phase
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

// Start dials if needed and writes what was queued. The socket is then
// served (read, and its queue written as it fills) once an utterance is
// attached or Drain is called; at once if either came first, or more was
// queued while it opened. Like Attach and Drain, it must be called before
// the session waits for its goroutines.
func (k *Socket[U]) Start() {
	k.wg.Add(1)
	go k.open()
}

func (k *Socket[U]) open() {
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
	// No pooled writer runs before the socket is served (writing is
	// false), so this goroutine has the queue to itself: the service's
	// opening message goes out now, not when the utterance comes.
	k.flush()
	k.mu.Lock()
	var none U
	if k.dead || (k.u == none && !k.pending()) {
		if !k.dead {
			k.phase = idle
		}
		k.mu.Unlock()
		return
	}
	k.phase = serving
	k.mu.Unlock()
	k.serve(ws)
}

// serveLocked starts serving an idle socket; the caller holds k.mu.
func (k *Socket[U]) serveLocked() {
	if k.phase != idle {
		return
	}
	k.phase = serving
	ws := k.ws
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		k.serve(ws)
	}()
}

// serve writes the queue as it fills and reads until the socket ends.
func (k *Socket[U]) serve(ws *websocket.Conn) {
	k.writing.Store(true)
	k.slot.Notify() // what was queued while idle
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
	k.serveLocked()
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
