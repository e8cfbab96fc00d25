package plivotest

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// Call is one call through the fake.
type Call struct {
	*carriertest.Line
	UUID      string
	From, To  string
	Direction string // inbound or outbound

	cloud     *Cloud
	hangupURL string

	mu         sync.Mutex
	transferTo string
	dtmfSent   []string
	redirect   []byte // XML of a transfer, run next
}

func newCall(cl *Cloud, uuid, from, to, direction string) *Call {
	return &Call{Line: carriertest.NewLine(), UUID: uuid, From: from, To: to, Direction: direction, cloud: cl}
}

func (c *Call) params(status string) url.Values {
	return url.Values{"CallUUID": {c.UUID}, "From": {c.From}, "To": {c.To}, "CallStatus": {status},
		"Direction": {c.Direction}, "Event": {"StartApp"}}
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

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end() }

// end stops the stream, ends the call and posts its hang-up callback.
func (c *Call) end() {
	c.End(func() {
		if c.hangupURL == "" {
			return
		}
		form := c.params("completed")
		form.Set("Event", "Hangup")
		form.Set("HangupCause", "NORMAL_CLEARING")
		form.Set("Duration", strconv.Itoa(int(time.Since(c.Started).Seconds())))
		c.cloud.bg.Within(10*time.Second, func(ctx context.Context) { _, _ = c.cloud.webhook(ctx, c.hangupURL, form) })
	})
}

// run executes the call's XML: Speak, Hangup, Dial, Stream; a transfer
// replaces it; a document that runs out hangs up.
func (c *Call) run(doc []byte) {
	for doc != nil && !c.Over() {
		root, err := parseXML(doc)
		if err != nil {
			c.end()
			return
		}
		doc = nil
		for _, v := range root.Children {
			switch v.XMLName.Local {
			case "Speak":
				c.Hear(strings.TrimSpace(v.Text))
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
				c.Answer()
				<-c.Done() // bridged until the caller hangs up
			case "Stream":
				c.stream(strings.TrimSpace(v.Text))
			}
			if c.Over() {
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
	c.mu.Unlock()
	c.Interrupt()
}
