package twiliotest

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// Call is one call through the fake: its caller, and what happened to it.
type Call struct {
	SID       string
	From, To  string
	Direction string // inbound or outbound-api
	Phone     *phone.Phone

	cloud    *Cloud
	started  time.Time
	answered chan struct{}
	done     chan struct{}
	answer   sync.Once
	finish   sync.Once

	mu          sync.Mutex
	status      string
	err         error
	said        []string // TwiML <Say> the caller heard
	transfer    Transfer
	streams     int
	cur         *media // the live stream, if any
	pending     []byte // TwiML from a REST update, run next
	violations  []string
	statusURL   string   // where status callbacks go
	statusEvent []string // which (initiated, ringing, answered, completed)
}

// Transfer is what a <Dial> did.
type Transfer struct {
	To          string
	Warm        bool
	AgentHeard  []string // what the agent was told
	AgentKey    string   // what the agent pressed
	Bridged     bool
	DialStatus  string
	Unavailable string // said to the caller after a warm transfer nobody took
}

func newCall(cl *Cloud, sid, from, to, direction string) *Call {
	return &Call{SID: sid, From: from, To: to, Direction: direction, Phone: phone.New(nil), cloud: cl,
		started: time.Now(), answered: make(chan struct{}), done: make(chan struct{}), status: "ringing"}
}

// params are the parameters Twilio sends about the call.
func (c *Call) params(status string) url.Values {
	return url.Values{"CallSid": {c.SID}, "AccountSid": {c.cloud.cfg.AccountSID}, "From": {c.From}, "To": {c.To},
		"Caller": {c.From}, "Called": {c.To}, "CallStatus": {status}, "Direction": {c.Direction}, "ApiVersion": {"2010-04-01"}}
}

// Done is closed when the call is over.
func (c *Call) Done() <-chan struct{} { return c.done }

// Err is why the call failed, if it did.
func (c *Call) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Status is the call's status (ringing, in-progress, completed, failed).
func (c *Call) Status() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// Said returns what TwiML <Say> told the caller.
func (c *Call) Said() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.said...)
}

// Transferred returns the transfer, if the call was dialled elsewhere.
func (c *Call) Transferred() (Transfer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transfer, c.transfer.To != ""
}

// Streams counts the media streams the call opened.
func (c *Call) Streams() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams
}

// Violations lists what the engine sent that Twilio would reject.
func (c *Call) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

func (c *Call) violate(what string) {
	c.mu.Lock()
	c.violations = append(c.violations, what)
	c.mu.Unlock()
}

// Say makes the caller speak.
func (c *Call) Say(text string) { c.Phone.Say(text) }

// Press sends DTMF digits on the live stream.
func (c *Call) Press(digits string) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	for _, d := range digits {
		if err := m.dtmf(string(d)); err != nil {
			return err
		}
	}
	return nil
}

// SendRaw writes a raw websocket message on the live stream (tests of
// malformed frames).
func (c *Call) SendRaw(messageType int, data []byte) error {
	m := c.live()
	if m == nil {
		return errNoStream
	}
	return m.write(messageType, data)
}

// HangUp is the caller hanging up: the stream stops and the call ends.
func (c *Call) HangUp() {
	c.complete()
}

func (c *Call) live() *media {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// answeredNow releases Dial: the call was answered, refused or moved on.
func (c *Call) answeredNow() { c.answer.Do(func() { close(c.answered) }) }

func (c *Call) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.setStatus("failed")
	c.end()
}

// complete ends the call normally and reports it.
func (c *Call) complete() {
	c.setStatus("completed")
	c.end()
}

func (c *Call) setStatus(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status != "completed" && c.status != "failed" {
		c.status = s
	}
}

// end stops the live stream and marks the call over.
func (c *Call) end() {
	c.finish.Do(func() {
		c.mu.Lock()
		m := c.cur
		if c.status != "completed" && c.status != "failed" {
			c.status = "completed"
		}
		c.mu.Unlock()
		if m != nil {
			m.stop()
		}
		close(c.done)
		c.answeredNow()
		c.reportStatus("completed")
		if c.cloud.cfg.Forget {
			c.cloud.mu.Lock()
			delete(c.cloud.calls, c.SID)
			c.cloud.mu.Unlock()
		}
	})
}

// reportStatus posts a status callback, if the call has one for ev.
func (c *Call) reportStatus(ev string) {
	c.mu.Lock()
	u, events := c.statusURL, c.statusEvent
	c.mu.Unlock()
	if u == "" || !contains(events, ev) {
		return
	}
	form := c.params(map[string]string{"initiated": "queued", "ringing": "ringing", "answered": "in-progress",
		"completed": c.Status()}[ev])
	form.Set("CallbackSource", "call-progress-events")
	form.Set("Timestamp", time.Now().UTC().Format(time.RFC1123Z))
	if ev == "completed" {
		form.Set("CallDuration", strconv.Itoa(int(time.Since(c.started).Seconds())))
	}
	cl := c.cloud
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = cl.webhook(ctx, u, form)
	}()
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// update replaces the call's TwiML (a REST update): the live stream stops.
func (c *Call) update(doc []byte) {
	c.mu.Lock()
	c.pending = doc
	m := c.cur
	c.mu.Unlock()
	if m != nil {
		m.stop()
	}
}

func (c *Call) takePending() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	doc := c.pending
	c.pending = nil
	return doc
}

func (c *Call) over() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
