package plivotest

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

var errNoStream = errors.New("plivotest: no live audio stream")

// Call is one call through the fake.
type Call struct {
	UUID      string
	From, To  string
	Direction string // inbound or outbound
	Phone     *phone.Phone

	cloud     *Cloud
	started   time.Time
	hangupURL string
	answered  chan struct{}
	done      chan struct{}
	answer    sync.Once
	finish    sync.Once

	mu         sync.Mutex
	said       []string
	transferTo string
	dtmfSent   []string
	streams    int
	cur        *media
	violations []string
	redirect   []byte // XML of a transfer, run next
}

func newCall(cl *Cloud, uuid, from, to, direction string) *Call {
	return &Call{UUID: uuid, From: from, To: to, Direction: direction, Phone: phone.New(nil), cloud: cl,
		started: time.Now(), answered: make(chan struct{}), done: make(chan struct{})}
}

func (c *Call) params(status string) url.Values {
	return url.Values{"CallUUID": {c.UUID}, "From": {c.From}, "To": {c.To}, "CallStatus": {status},
		"Direction": {c.Direction}, "Event": {"StartApp"}}
}

// Done is closed when the call is over.
func (c *Call) Done() <-chan struct{} { return c.done }

// Said returns what <Speak> told the caller.
func (c *Call) Said() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.said...)
}

// TransferredTo is where the call was dialled, if it was.
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

// Streams counts the audio streams opened.
func (c *Call) Streams() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams
}

// Violations lists what the engine sent that Plivo would reject.
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

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end() }

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

// end stops the stream, ends the call and posts its hang-up callback.
func (c *Call) end() {
	c.finish.Do(func() {
		c.mu.Lock()
		m := c.cur
		c.mu.Unlock()
		if m != nil {
			m.cancel()
		}
		close(c.done)
		c.answeredNow()
		if c.hangupURL == "" {
			return
		}
		form := c.params("completed")
		form.Set("Event", "Hangup")
		form.Set("HangupCause", "NORMAL_CLEARING")
		form.Set("Duration", strconv.Itoa(int(time.Since(c.started).Seconds())))
		cl := c.cloud
		cl.wg.Add(1)
		go func() {
			defer cl.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = cl.webhook(ctx, c.hangupURL, form)
		}()
	})
}

// run executes the call's XML: Speak, Hangup, Dial, Stream; a transfer
// replaces it; a document that runs out hangs up.
func (c *Call) run(doc []byte) {
	for doc != nil && !c.over() {
		root, err := parseXML(doc)
		if err != nil {
			c.end()
			return
		}
		doc = nil
		for _, v := range root.Children {
			switch v.XMLName.Local {
			case "Speak":
				text := strings.TrimSpace(v.Text)
				c.mu.Lock()
				c.said = append(c.said, text)
				c.mu.Unlock()
				c.Phone.Hear(text)
			case "Hangup":
				c.end()
			case "Dial":
				for _, n := range v.Children {
					if n.XMLName.Local == "Number" {
						c.mu.Lock()
						c.transferTo = strings.TrimSpace(n.Text)
						c.mu.Unlock()
					}
				}
				c.answeredNow()
				<-c.done // bridged until the caller hangs up
			case "Stream":
				c.stream(strings.TrimSpace(v.Text))
			}
			if c.over() {
				return
			}
			c.mu.Lock()
			doc, c.redirect = c.redirect, nil
			c.mu.Unlock()
			if doc != nil {
				break
			}
		}
	}
	c.end()
}

// transfer runs XML fetched for a transfer instead of the current one.
func (c *Call) transfer(doc []byte) {
	c.mu.Lock()
	c.redirect = doc
	m := c.cur
	c.mu.Unlock()
	if m != nil {
		m.cancel()
	}
}
