package twiliotest

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// Call is one call through the fake: its caller, and what happened to it.
type Call struct {
	*carriertest.Line
	SID       string
	From, To  string
	Direction string // inbound or outbound-api

	cloud *Cloud

	mu          sync.Mutex
	status      string
	err         error
	transfer    Transfer
	pending     []byte   // TwiML from a REST update, run next
	statusURL   string   // where status callbacks go
	statusEvent []string // which (initiated, ringing, answered, completed)
	// Timeout is how long an outbound call was asked to ring, in seconds
	// (0: Twilio's default).
	Timeout int
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
	return &Call{Line: carriertest.NewLine(), SID: sid, From: from, To: to, Direction: direction, cloud: cl,
		status: "ringing"}
}

// params are the parameters Twilio sends about the call.
func (c *Call) params(status string) url.Values {
	return url.Values{"CallSid": {c.SID}, "AccountSid": {c.cloud.cfg.AccountSID}, "From": {c.From}, "To": {c.To},
		"Caller": {c.From}, "Called": {c.To}, "CallStatus": {status}, "Direction": {c.Direction}, "ApiVersion": {"2010-04-01"}}
}

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

// Transferred returns the transfer, if the call was dialled elsewhere.
func (c *Call) Transferred() (Transfer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transfer, c.transfer.To != ""
}

// HangUp is the caller hanging up: the stream stops and the call ends.
func (c *Call) HangUp() {
	c.complete()
}

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

// end stops the live stream and marks the call over; a status not final
// yet becomes completed (setStatus leaves a final one alone).
func (c *Call) end() {
	c.setStatus("completed")
	c.End(func() {
		c.reportStatus("completed")
		if c.cloud.cfg.Forget {
			c.cloud.calls.Remove(c.SID)
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
		form.Set("CallDuration", strconv.Itoa(int(time.Since(c.Started).Seconds())))
	}
	c.cloud.bg.Within(10*time.Second, func(ctx context.Context) { _, _ = c.cloud.webhook(ctx, u, form) })
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
	c.mu.Unlock()
	c.Interrupt()
}

func (c *Call) takePending() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	doc := c.pending
	c.pending = nil
	return doc
}
