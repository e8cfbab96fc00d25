package aura

import (
	"fmt"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
)

// socket is the session's websocket: its reader hands audio and control
// messages to the attached utterance. It counts, under the socket's lock,
// the Flushes it has sent and the Clears not yet confirmed.
type socket struct {
	*ttssocket.Socket[*utterance]

	clears  int // Clears sent and not yet confirmed: audio until then is stale
	flushes int // Flushes sent
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

func (k *socket) read(kind int, msg []byte) bool {
	k.Lock()
	u, stale := k.AttachedLocked(), k.clears > 0
	k.Unlock()
	if kind == websocket.BinaryMessage {
		if u != nil && !stale {
			u.onAudio(msg)
		}
		return true
	}
	c, err := parseControl(msg)
	switch {
	case err != nil:
		if u != nil {
			u.fail(err, true)
		}
	case c.Type == "Cleared":
		k.Lock()
		k.clears = max(k.clears-1, 0)
		k.Unlock()
	case u == nil || stale:
	case c.Type == "Flushed":
		u.onFlushed(c.SequenceID)
	case c.Type == "Warning":
		u.onWarning(c)
	case c.Type == "Error":
		u.fail(fmt.Errorf("%w: %s", ErrService, c.text()), false)
	}
	return true
}

// flush queues a Flush and returns its sequence number.
func (k *socket) flush() (int, error) {
	k.Lock()
	defer k.Unlock()
	if err := k.Send(flushMessage); err != nil {
		return 0, err
	}
	k.flushes++
	return k.flushes - 1, nil
}

// clear detaches u, and discards its audio: a Clear is queued and what
// arrives until Cleared is dropped.
func (k *socket) clear(u *utterance) {
	k.Lock()
	defer k.Unlock()
	k.DetachLocked(u)
	if k.DeadLocked() || k.Send(clearMessage) != nil {
		return
	}
	k.clears++
}
