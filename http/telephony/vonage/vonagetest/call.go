package vonagetest

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// Call is one call through the fake.
type Call struct {
	*carriertest.Line
	UUID      string
	From, To  string // E.164
	Direction string // inbound or outbound

	cloud    *Cloud
	eventURL string

	mu         sync.Mutex
	transferTo string
	dtmfSent   []string
	next       []map[string]any // NCCO of a transfer, run next
}

func newCall(cl *Cloud, uuid, from, to, direction string) *Call {
	return &Call{Line: carriertest.NewLine(), UUID: uuid, From: from, To: to, Direction: direction, cloud: cl}
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

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end("completed") }

func (c *Call) end(status string) {
	c.End(func() { c.event(status) })
}

// run executes an NCCO: talk, connect (websocket or phone); a transfer
// replaces it; an NCCO that runs out ends the call.
func (c *Call) run(doc []byte) {
	var actions []map[string]any
	if err := json.Unmarshal(doc, &actions); err != nil {
		c.end("failed")
		return
	}
	for actions != nil && !c.Over() {
		current := actions
		actions = nil
		for _, a := range current {
			c.exec(a)
			if c.Over() {
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
		c.Hear(text)
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
			c.Answer()
			<-c.Done()
		}
	}
}

// transfer replaces the call's NCCO.
func (c *Call) transfer(actions []map[string]any) {
	c.mu.Lock()
	c.next = actions
	c.mu.Unlock()
	c.Interrupt()
}
