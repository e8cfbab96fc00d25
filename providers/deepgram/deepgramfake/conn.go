package deepgramfake

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

// net0001 is Deepgram's reason for closing an idle connection.
const net0001 = "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"

// protocol is one API's behaviour on a connection. Its methods run on the
// connection's reader goroutine, one at a time.
type protocol interface {
	open()
	audio(b []byte)
	text(b []byte)
}

// outMsg is a server message, or a close frame, due at a time.
type outMsg struct {
	data      []byte
	due       time.Time
	close     bool
	closeCode int // 0 with close: a close frame without status
	closeText string
}

// conn runs one websocket: the handler goroutine reads and drives the
// protocol; a writer goroutine delivers its messages after Config.Delay and
// applies Drop and Stall faults.
type conn struct {
	srv   *Server
	cfg   *Config
	ws    *websocket.Conn
	rec   *Session
	id    string
	fault fault.Fault
	out   chan outMsg
	stop  chan struct{} // the reader has ended

	mu     sync.Mutex
	ending bool // a close is queued: input is ignored
	idle   clock.Timer
}

func newConn(s *Server, ws *websocket.Conn, rec *Session, id string, f fault.Fault) *conn {
	return &conn{srv: s, cfg: &s.cfg, ws: ws, rec: rec, id: id, fault: f,
		out: make(chan outMsg, 1024), stop: make(chan struct{})}
}

func (c *conn) run(p protocol) {
	c.ws.SetReadLimit(1 << 20)
	written := make(chan struct{})
	go func() {
		defer close(written)
		c.write()
	}()
	c.armIdle()
	p.open()
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
			p.audio(data)
		case websocket.TextMessage:
			p.text(data)
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

// armIdle restarts the NET-0001 countdown.
func (c *conn) armIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ending {
		return
	}
	if c.idle != nil {
		c.idle.Stop()
	}
	c.idle = c.cfg.Clock.AfterFunc(c.cfg.IdleTimeout, func() { c.closeWith(websocket.CloseInternalServerErr, net0001) })
}

func (c *conn) isEnding() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ending
}

// send queues a message to the client.
func (c *conn) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // our own message types always marshal
	}
	c.enqueue(outMsg{data: b})
}

// closeWith queues a close frame after the messages already queued and
// stops reading input. code 0 sends no status.
func (c *conn) closeWith(code int, text string) {
	c.mu.Lock()
	if c.ending {
		c.mu.Unlock()
		return
	}
	c.ending = true
	c.mu.Unlock()
	c.enqueue(outMsg{close: true, closeCode: code, closeText: text})
}

func (c *conn) enqueue(m outMsg) {
	m.due = c.cfg.Clock.Now().Add(c.cfg.Delay)
	select {
	case c.out <- m:
	case <-c.stop:
	}
}

// write delivers queued messages in order, each at its due time.
func (c *conn) write() {
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
func (c *conn) wait(due time.Time) bool {
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

// record updates the connection's session record.
func (c *conn) record(f func(*Session)) { c.srv.update(c.rec, f) }
