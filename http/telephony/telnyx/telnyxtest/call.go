package telnyxtest

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// Call is one call through the fake.
type Call struct {
	*carriertest.Line
	ID        string // call_control_id
	From, To  string
	Direction string // incoming or outgoing

	cloud   *Cloud
	session string

	mu         sync.Mutex
	state      string // client_state of the last command, base64
	transferTo string
	dtmfSent   []string
}

func newCall(cl *Cloud, id, from, to, direction string) *Call {
	return &Call{Line: carriertest.NewLine(), ID: id, From: from, To: to, Direction: direction, cloud: cl,
		session: carriertest.Hex(8)}
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

// HangUp is the caller hanging up.
func (c *Call) HangUp() { c.end("normal_clearing") }

// end stops the stream and reports call.hangup.
func (c *Call) end(cause string) {
	c.End(func() {
		c.cloud.async(func(ctx context.Context) {
			_ = c.cloud.event(ctx, "call.hangup", c, map[string]any{"hangup_cause": cause,
				"start_time": c.Started.UTC().Format(time.RFC3339Nano), "end_time": time.Now().UTC().Format(time.RFC3339Nano)})
		})
	})
}
