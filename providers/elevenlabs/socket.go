package elevenlabs

import (
	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
)

// socket is one stream-input websocket: its reader hands messages to the
// attached utterance. Messages queued while it dials go out once it is
// open, the BOS message first.
type socket struct {
	*ttssocket.Socket[*utterance]
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
		u.k = k // before the reader can see u
	}
	_ = k.Send(s.bos) // the queue is empty
	k.Start()
	return k
}

func (k *socket) read(_ int, msg []byte) bool {
	if u := k.Attached(); u != nil {
		u.onMessage(msg)
	}
	return true
}
