package elevenlabs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
)

// socket is one stream-input websocket: a reader goroutine that hands
// messages to the attached utterance and a writer goroutine fed by a
// bounded queue, so that callers never block on the network. It dials in
// the background when not given a connection; messages queued meanwhile go
// out once it is open, the BOS message first.
type socket struct {
	s      *session
	out    chan []byte
	quit   chan struct{}
	ctx    context.Context // cancelled on close: aborts the dial
	cancel context.CancelFunc
	once   sync.Once

	owner *utterance // the utterance it was dialled for; nil if pre-opened

	mu        sync.Mutex
	ws        *websocket.Conn
	u         *utterance // the utterance it serves, once attached
	connected bool       // the handshake succeeded
	dead      bool       // failed or closed: it will never carry an utterance
}

// openSocket starts a socket on ws, or dials one if ws is nil, for u if not
// nil. The caller holds s.mu (or owns s exclusively), and u.mu if u is
// shared.
func (s *session) openSocket(ws *websocket.Conn, u *utterance) *socket {
	ctx, cancel := context.WithCancel(s.ctx)
	k := &socket{
		s: s, out: make(chan []byte, queueLen), quit: make(chan struct{}), ctx: ctx, cancel: cancel,
		owner: u, ws: ws, u: u, connected: ws != nil,
	}
	if u != nil {
		u.k = k // before the reader can see u
	}
	k.out <- s.bos
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
		if u != nil {
			u.onMessage(buf.Bytes())
		}
	}
}

func (k *socket) write(ws *websocket.Conn) {
	defer k.s.wg.Done()
	for {
		select {
		case m := <-k.out:
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
