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
	k.qmu.Lock()
	if len(k.queue) >= k.c.QueueLen {
		k.qmu.Unlock()
		return k.c.ErrQueueFull
	}
	k.queue = append(k.queue, q)
	k.qmu.Unlock()
	if k.writing.Load() {
		k.slot.Notify()
	}
	return nil
}

// Drain queues last (nil for none), waits a moment for everything queued
// to be written, then closes: what the service was told goes out.
func (k *Socket[U]) Drain(last []byte) {
	k.mu.Lock()
	// Queued under k.mu, which open holds to decide whether to serve: the
	// marker is either written by its flush or seen there.
	live := !k.dead && k.connected && k.enqueue(queued{msg: last, last: true}) == nil
	if live {
		k.serveLocked() // an idle socket's writer starts, to write the rest
	}
	k.mu.Unlock()
	if live {
		select {
		case <-k.drained:
		case <-time.After(drainWait):
		}
	}
	k.Close()
}

// pending reports whether anything is queued.
func (k *Socket[U]) pending() bool {
	k.qmu.Lock()
	defer k.qmu.Unlock()
	return len(k.queue) > 0
}

// flush writes the queue on a pooled writer (one at a time per socket),
// until Drain's marker or a failed write, after which nothing is written.
func (k *Socket[U]) flush() {
	if k.written {
		return
	}
	select {
	case <-k.quit:
		return
	default:
	}
	k.qmu.Lock()
	q := k.queue
	k.queue = k.spare[:0]
	k.qmu.Unlock()
	defer func() { clear(q); k.spare = q[:0] }()
	for _, m := range q {
		if m.msg != nil {
			_ = k.ws.SetWriteDeadline(time.Now().Add(k.c.WriteTimeout))
			if err := k.ws.WriteMessage(websocket.TextMessage, m.msg); err != nil {
				k.written = true
				k.fail(fmt.Errorf("%w: write: %w", k.c.ErrConnection, err))
				return
			}
		}
		if m.last {
			k.written = true
			close(k.drained)
			return
		}
	}
}
