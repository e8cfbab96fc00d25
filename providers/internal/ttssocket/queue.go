package ttssocket

import (
	"fmt"
	"time"

	"github.com/fasthttp/websocket"
)

// drainWait bounds Drain's wait for the queue to be written.
const drainWait = time.Second

// queued is a message for the writer; last is Drain's marker, after which
// it stops.
type queued struct {
	msg  []byte // nil: nothing to write
	last bool
}

// Send queues a text message without blocking.
func (k *Socket[U]) Send(m []byte) error {
	return k.enqueue(queued{msg: m})
}

func (k *Socket[U]) enqueue(q queued) error {
	select {
	case k.out <- q:
		return nil
	default:
		return k.c.ErrQueueFull
	}
}

// Drain queues last (nil for none), waits a moment for everything queued
// to be written, then closes: what the service was told goes out.
func (k *Socket[U]) Drain(last []byte) {
	k.mu.Lock()
	live := !k.dead && k.connected
	k.mu.Unlock()
	if live && k.enqueue(queued{msg: last, last: true}) == nil {
		select {
		case <-k.drained:
		case <-time.After(drainWait):
		}
	}
	k.Close()
}

func (k *Socket[U]) write(ws *websocket.Conn) {
	defer k.wg.Done()
	for {
		select {
		case q := <-k.out:
			if q.msg != nil {
				_ = ws.SetWriteDeadline(time.Now().Add(k.c.WriteTimeout))
				if err := ws.WriteMessage(websocket.TextMessage, q.msg); err != nil {
					k.fail(fmt.Errorf("%w: write: %w", k.c.ErrConnection, err))
					return
				}
			}
			if q.last {
				close(k.drained)
				return
			}
		case <-k.quit:
			return
		}
	}
}
