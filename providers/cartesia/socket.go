package cartesia

import (
	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
)

// socket is the session's websocket: its reader parses messages and hands
// those of the current context to its utterance.
type socket struct {
	*ttssocket.Socket[*utterance]
	m message // the last message read, reused
}

// openSocket starts a socket on ws, or dials one if ws is nil, for u if not
// nil. The caller holds s.mu (or owns s exclusively), and u.mu if u is
// shared.
func (s *session) openSocket(ws *websocket.Conn, u *utterance) *socket {
	k := &socket{}
	k.Socket = ttssocket.New(s.ctx, &s.wg, ws, u, ttssocket.Config[*utterance]{
		Dial: s.dialer.Dial,
		Read: k.read,
		Lost: func(u *utterance, err error, connected bool) { u.connLost(err, k, connected) },

		QueueLen:      queueLen,
		WriteTimeout:  writeTimeout,
		ErrConnection: ErrConnection,
		ErrQueueFull:  ErrQueueFull,
	})
	if u != nil {
		u.k = k
	}
	k.Start()
	return k
}

func (k *socket) read(_ int, msg []byte) bool {
	u := k.Attached()
	if u == nil {
		return true
	}
	m := &k.m
	if err := m.parse(msg); err != nil {
		k.Close() // first, so that the next utterance dials anew
		u.fail(err)
		return false
	}
	// another context's (a cancelled one's) late messages are dropped; an
	// error naming no context is the current one's
	if string(m.contextID) == u.id || (m.kind == kindError && len(m.contextID) == 0) {
		u.onMessage(m)
	}
	return true
}
