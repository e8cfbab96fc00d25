package telnyxtest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

var errNoStream = errors.New("telnyxtest: no live media stream")

// Call is one call through the fake.
type Call struct {
	ID        string // call_control_id
	From, To  string
	Direction string // incoming or outgoing
	Phone     *phone.Phone

	cloud    *Cloud
	session  string
	started  time.Time
	answered chan struct{}
	done     chan struct{}
	answer   sync.Once
	finish   sync.Once

	mu          sync.Mutex
	state       string // client_state of the last command, base64
	said        []string
	transferTo  string
	dtmfSent    []string
	streams     int
	cur         *media
	violations  []string
	hangupCause string
}

func newCall(cl *Cloud, id, from, to, direction string) *Call {
	return &Call{ID: id, From: from, To: to, Direction: direction, Phone: phone.New(nil), cloud: cl,
		session: randomHex(8), started: time.Now(), answered: make(chan struct{}), done: make(chan struct{})}
}

func (c *Call) clientState() any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == "" {
		return nil
	}
	return c.state
}

func (c *Call) setState(s string) {
	if s == "" {
		return
	}
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

// Done is closed when the call is over.
func (c *Call) Done() <-chan struct{} { return c.done }

// Said returns what the engine had Telnyx speak.
func (c *Call) Said() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.said...)
}

// TransferredTo is where the engine transferred the call, if it did.
func (c *Call) TransferredTo() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transferTo
}

// DTMFSent lists the digits the engine sent through send_dtmf.
func (c *Call) DTMFSent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.dtmfSent...)
}

// Streams counts the media streams opened.
func (c *Call) Streams() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams
}

// Violations lists what the engine sent that Telnyx would reject.
func (c *Call) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// Say makes the caller speak.
func (c *Call) Say(text string) { c.Phone.Say(text) }

// Press sends DTMF digits on the stream.
func (c *Call) Press(digits string) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	for _, d := range digits {
		if err := m.sock.Send(func() (int, []byte) { return m.wire.dtmf(string(d)) }); err != nil {
			return err
		}
	}
	return nil
}

// SendRaw writes a raw message on the stream.
func (c *Call) SendRaw(mt int, data []byte) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	return m.sock.Send(func() (int, []byte) { return mt, data })
}

// Drop cuts the stream's connection, as a network failure would; the call
// itself stays up until the engine hangs it up.
func (c *Call) Drop() {
	if m := c.live(); m != nil {
		m.sock.Drop()
	}
}

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end("normal_clearing") }

func (c *Call) live() *media {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

func (c *Call) answeredNow() { c.answer.Do(func() { close(c.answered) }) }

func (c *Call) over() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// end stops the stream and reports call.hangup.
func (c *Call) end(cause string) {
	c.finish.Do(func() {
		c.mu.Lock()
		m := c.cur
		c.hangupCause = cause
		c.mu.Unlock()
		if m != nil {
			m.cancel()
		}
		close(c.done)
		c.answeredNow()
		cl := c.cloud
		cl.wg.Add(1)
		go func() {
			defer cl.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = cl.event(ctx, "call.hangup", c, map[string]any{"hangup_cause": cause,
				"start_time": c.started.UTC().Format(time.RFC3339Nano), "end_time": time.Now().UTC().Format(time.RFC3339Nano)})
		}()
	})
}
