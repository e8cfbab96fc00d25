package cartesia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
)

// socket is the session's websocket: a reader goroutine that parses
// messages and hands those of the current context to its utterance, and a
// writer goroutine fed by a bounded queue, so that callers never block on
// the network. It dials in the background when not given a connection.
type socket struct {
	s      *session
	out    chan []byte
	quit   chan struct{}
	idle   chan struct{} // closed by the writer at drain's marker
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	owner  *utterance // the utterance it was dialled for; nil if at OpenTTS

	mu        sync.Mutex
	ws        *websocket.Conn
	u         *utterance // the utterance being spoken, if any
	connected bool
	dead      bool
}

// openSocket starts a socket on ws, or dials one if ws is nil, for u if not
// nil. The caller holds s.mu (or owns s exclusively), and u.mu if u is
// shared.
func (s *session) openSocket(ws *websocket.Conn, u *utterance) *socket {
	ctx, cancel := context.WithCancel(s.ctx)
	k := &socket{
		s: s, out: make(chan []byte, queueLen), quit: make(chan struct{}), idle: make(chan struct{}),
		ctx: ctx, cancel: cancel, owner: u, ws: ws, u: u, connected: ws != nil,
	}
	if u != nil {
		u.k = k
	}
	s.wg.Add(1)
	go k.run(ws)
	return k
}

func (k *socket) run(ws *websocket.Conn) {
	defer k.s.wg.Done()
	if ws == nil {
		var err error
		if ws, err = k.s.dial(k.ctx); err != nil {
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
	k.s.wg.Add(1)
	go k.write(ws)
	k.read(ws)
}

func (k *socket) read(ws *websocket.Conn) {
	var buf bytes.Buffer
	var m message
	for {
		_, r, err := ws.NextReader()
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			k.fail(readError(err))
			return
		}
		k.mu.Lock()
		u := k.u
		k.mu.Unlock()
		if u == nil {
			continue
		}
		if err := m.parse(buf.Bytes()); err != nil {
			k.close() // first, so that the next utterance dials anew
			u.fail(err)
			return
		}
		// another context's (a cancelled one's) late messages are dropped;
		// an error naming no context is the current one's
		if string(m.contextID) == u.id || (m.kind == kindError && len(m.contextID) == 0) {
			u.onMessage(&m)
		}
	}
}

func (k *socket) write(ws *websocket.Conn) {
	defer k.s.wg.Done()
	for {
		select {
		case m := <-k.out:
			if m == nil { // drain's marker: all before it is written
				close(k.idle)
				return
			}
			_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := ws.WriteMessage(websocket.TextMessage, m); err != nil {
				k.fail(fmt.Errorf("%w: write: %w", ErrConnection, err))
				return
			}
		case <-k.quit:
			return
		}
	}
}

// send queues a message without blocking.
func (k *socket) send(m []byte) error {
	select {
	case k.out <- m:
		return nil
	default:
		return ErrQueueFull
	}
}

// attach binds the socket to u unless it is dead.
func (k *socket) attach(u *utterance) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return false
	}
	k.u = u
	return true
}

func (k *socket) detach(u *utterance) {
	k.mu.Lock()
	if k.u == u {
		k.u = nil
	}
	k.mu.Unlock()
}

// fail marks the socket dead after an error and tells its utterance.
func (k *socket) fail(err error) {
	k.mu.Lock()
	if k.dead {
		k.mu.Unlock()
		return
	}
	k.dead = true
	u, connected := k.u, k.connected
	k.mu.Unlock()
	k.shutdown()
	if u != nil {
		u.connLost(err, k, connected)
	}
}

// drain waits a moment for queued messages (a cancel) to be written, then
// closes.
func (k *socket) drain() {
	k.mu.Lock()
	live := !k.dead && k.connected
	k.mu.Unlock()
	if live && k.send(nil) == nil {
		select {
		case <-k.idle:
		case <-time.After(time.Second):
		}
	}
	k.close()
}

// close ends the socket on our side.
func (k *socket) close() {
	k.mu.Lock()
	k.dead = true
	k.mu.Unlock()
	k.shutdown()
}

func (k *socket) shutdown() {
	k.once.Do(func() {
		close(k.quit)
		k.cancel()
		k.mu.Lock()
		ws := k.ws
		k.mu.Unlock()
		if ws != nil {
			ws.Close()
		}
	})
}

// readError describes why reading stopped; a close frame's code and reason
// are the service's explanation.
func readError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: closed by the service: %d %s", ErrConnection, ce.Code, ce.Text)
	}
	return fmt.Errorf("%w: %w", ErrConnection, err)
}
