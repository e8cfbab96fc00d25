package sttfake

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

// Protocol is one API's behaviour on a connection. Its methods run on the
// connection's reader goroutine, one at a time.
type Protocol interface {
	Open()
	Audio(b []byte)
	Text(b []byte)
}

// Timing is how a fake delivers and times out.
type Timing struct {
	Clock clock.Clock
	// Delay holds back every server message this long after the input
	// that caused it: the service's processing latency.
	Delay time.Duration
	// IdleTimeout closes a connection that received nothing for this long,
	// with IdleCode and IdleReason.
	IdleTimeout time.Duration
	IdleCode    int
	IdleReason  string
	// IdleMessage, if set, is sent before the idle close (services that
	// report errors in a message first).
	IdleMessage any
}

// outMsg is a server message, or a close frame, due at a time.
type outMsg struct {
	data      []byte
	due       time.Time
	close     bool
	closeCode int // 0 with close: a close frame without status
	closeText string
}

// Conn runs one websocket: the handler goroutine reads and drives the
// protocol; a writer goroutine delivers its messages after Timing.Delay and
// applies Drop and Stall faults.
type Conn struct {
	cfg   Timing
	ws    *websocket.Conn
	fault fault.Fault
	out   chan outMsg
	stop  chan struct{} // the reader has ended

	mu     sync.Mutex
	ending bool // a close is queued: input is ignored
	idle   clock.Timer
}

// NewConn prepares a websocket for Run; f is the fault to apply (from
// fault.FromRequest).
func NewConn(t Timing, ws *websocket.Conn, f fault.Fault) *Conn {
	return &Conn{cfg: t, ws: ws, fault: f, out: make(chan outMsg, 1024), stop: make(chan struct{})}
}

// Run drives p with the client's messages until the connection ends, and
// waits for the messages queued to be delivered or dropped.
func (c *Conn) Run(p Protocol) {
	c.ws.SetReadLimit(1 << 20)
	written := make(chan struct{})
	go func() {
		defer close(written)
		c.write()
	}()
	c.armIdle()
	p.Open()
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			break
		}
		c.armIdle()
		if c.isEnding() {
			continue
		}
		switch typ {
		case websocket.BinaryMessage:
			p.Audio(data)
		case websocket.TextMessage:
			p.Text(data)
		}
	}
	c.mu.Lock()
	c.ending = true
	if c.idle != nil {
		c.idle.Stop()
	}
	c.mu.Unlock()
	close(c.stop)
	<-written
}

// armIdle restarts the idle countdown.
func (c *Conn) armIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ending {
		return
	}
	if c.idle != nil {
		c.idle.Stop()
	}
	c.idle = c.cfg.Clock.AfterFunc(c.cfg.IdleTimeout, func() { c.Fail(c.cfg.IdleMessage, c.cfg.IdleCode, c.cfg.IdleReason) })
}

func (c *Conn) isEnding() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ending
}

// Send queues a JSON message to the client.
func (c *Conn) Send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // our own message types always marshal
	}
	c.enqueue(outMsg{data: b})
}

// CloseWith queues a close frame after the messages already queued and
// stops reading input. code 0 sends no status.
func (c *Conn) CloseWith(code int, text string) {
	c.mu.Lock()
	if c.ending {
		c.mu.Unlock()
		return
	}
	c.ending = true
	c.mu.Unlock()
	c.enqueue(outMsg{close: true, closeCode: code, closeText: text})
}

// Fail sends msg (unless nil) and then a close frame, once: later input and
// failures are ignored.
func (c *Conn) Fail(msg any, code int, text string) {
	c.mu.Lock()
	if c.ending {
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	if msg != nil {
		c.Send(msg)
	}
	c.CloseWith(code, text)
}

func (c *Conn) enqueue(m outMsg) {
	m.due = c.cfg.Clock.Now().Add(c.cfg.Delay)
	select {
	case c.out <- m:
	case <-c.stop:
	}
}

// write delivers queued messages in order, each at its due time.
func (c *Conn) write() {
	sent := 0
	for {
		var m outMsg
		select {
		case m = <-c.out:
		case <-c.stop:
			return
		}
		if !c.wait(m.due) {
			return
		}
		if c.fault.Kind == fault.Drop && sent >= c.fault.After {
			c.ws.NetConn().Close() // cut, no close frame
			continue
		}
		if c.fault.Kind == fault.Stall && sent >= c.fault.After {
			continue
		}
		if m.close {
			payload := []byte{}
			if m.closeCode != 0 {
				payload = websocket.FormatCloseMessage(m.closeCode, m.closeText)
			}
			_ = c.ws.WriteControl(websocket.CloseMessage, payload, time.Now().Add(time.Second))
			// the client answers with its close; do not wait for it forever
			_ = c.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
			continue
		}
		if c.ws.WriteMessage(websocket.TextMessage, m.data) != nil {
			c.ws.NetConn().Close()
			continue
		}
		sent++
	}
}

// wait returns at the due time, or false if the connection ended first.
func (c *Conn) wait(due time.Time) bool {
	d := due.Sub(c.cfg.Clock.Now())
	if d <= 0 {
		return true
	}
	ready := make(chan struct{})
	t := c.cfg.Clock.AfterFunc(d, func() { close(ready) })
	select {
	case <-ready:
		return true
	case <-c.stop:
		t.Stop()
		return false
	}
}
