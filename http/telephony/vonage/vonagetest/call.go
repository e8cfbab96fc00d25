package vonagetest

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

var errNoStream = errors.New("vonagetest: no live websocket")

// Call is one call through the fake.
type Call struct {
	UUID      string
	From, To  string // E.164
	Direction string // inbound or outbound
	Phone     *phone.Phone

	cloud    *Cloud
	started  time.Time
	eventURL string
	answered chan struct{}
	done     chan struct{}
	answer   sync.Once
	finish   sync.Once

	mu         sync.Mutex
	said       []string
	transferTo string
	dtmfSent   []string
	streams    int
	cur        *media
	violations []string
	next       []map[string]any // NCCO of a transfer, run next
}

func newCall(cl *Cloud, uuid, from, to, direction string) *Call {
	return &Call{UUID: uuid, From: from, To: to, Direction: direction, Phone: phone.New(nil), cloud: cl,
		started: time.Now(), answered: make(chan struct{}), done: make(chan struct{})}
}

// Done is closed when the call is over.
func (c *Call) Done() <-chan struct{} { return c.done }

// Said returns what talk actions told the caller.
func (c *Call) Said() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.said...)
}

// TransferredTo is where the call was connected, if anywhere.
func (c *Call) TransferredTo() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transferTo
}

// DTMFSent lists the digits the engine sent through the API.
func (c *Call) DTMFSent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.dtmfSent...)
}

// Streams counts the websockets opened.
func (c *Call) Streams() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams
}

// Violations lists what the engine sent that Vonage would reject.
func (c *Call) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// Say makes the caller speak.
func (c *Call) Say(text string) { c.Phone.Say(text) }

// Press sends DTMF as websocket:dtmf events.
func (c *Call) Press(digits string) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	for _, d := range digits {
		if err := m.sock.Send(func() (int, []byte) { return dtmfEvent(string(d)) }); err != nil {
			return err
		}
	}
	return nil
}

// SendRaw writes a raw message on the websocket.
func (c *Call) SendRaw(mt int, data []byte) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	return m.sock.Send(func() (int, []byte) { return mt, data })
}

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end("completed") }

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

func (c *Call) end(status string) {
	c.finish.Do(func() {
		c.mu.Lock()
		m := c.cur
		c.mu.Unlock()
		if m != nil {
			m.cancel()
		}
		close(c.done)
		c.answeredNow()
		c.event(status)
	})
}

// run executes an NCCO: talk, connect (websocket or phone); a transfer
// replaces it; an NCCO that runs out ends the call.
func (c *Call) run(doc []byte) {
	var actions []map[string]any
	if err := json.Unmarshal(doc, &actions); err != nil {
		c.end("failed")
		return
	}
	for actions != nil && !c.over() {
		current := actions
		actions = nil
		for _, a := range current {
			c.exec(a)
			if c.over() {
				return
			}
			c.mu.Lock()
			actions, c.next = c.next, nil
			c.mu.Unlock()
			if actions != nil {
				break
			}
		}
	}
	c.end("completed")
}

func (c *Call) exec(a map[string]any) {
	switch a["action"] {
	case "talk":
		text, _ := a["text"].(string)
		c.mu.Lock()
		c.said = append(c.said, text)
		c.mu.Unlock()
		c.Phone.Hear(text)
	case "connect":
		eps, _ := a["endpoint"].([]any)
		if len(eps) == 0 {
			return
		}
		ep, _ := eps[0].(map[string]any)
		switch ep["type"] {
		case "websocket":
			uri, _ := ep["uri"].(string)
			ct, _ := ep["content-type"].(string)
			c.stream(uri, ct)
		case "phone":
			n, _ := ep["number"].(string)
			c.mu.Lock()
			c.transferTo = "+" + strings.TrimPrefix(n, "+")
			c.mu.Unlock()
			c.answeredNow()
			<-c.done
		}
	}
}

// transfer replaces the call's NCCO.
func (c *Call) transfer(actions []map[string]any) {
	c.mu.Lock()
	c.next = actions
	m := c.cur
	c.mu.Unlock()
	if m != nil {
		m.cancel()
	}
}
