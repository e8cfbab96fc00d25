package telephonytest

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// Caller is what a scenario does on a call, whichever carrier carries it.
type Caller interface {
	Say(text string)
	Press(digits string) error
	SendRaw(messageType int, data []byte) error
	HangUp()
	Done() <-chan struct{}
	// Violations lists what the engine sent that the carrier would reject.
	Violations() []string
}

// Call is a call under test: the engine's id for it, the caller's phone
// and what the caller does.
type Call struct {
	ID    string
	Phone *phone.Phone
	Caller
}

// Dial calls Number from CallerNumber through a fake carrier's Dial.
func Dial[C any](h *Harness, dial func(ctx context.Context, from, to string) (C, error)) C {
	h.T.Helper()
	c, err := dial(Ctx(h.T, 10*time.Second), CallerNumber, Number)
	if err != nil {
		h.T.Fatal(err)
	}
	return c
}

// HangUp is the caller hanging up; it returns how the call ended.
func (h *Harness) HangUp(c Call) events.CallEnded {
	h.T.Helper()
	c.HangUp()
	return h.WaitEnded(c.ID)
}

// CallerHangsUp hangs up and checks that the call ended so, with nothing
// sent that the carrier would have rejected.
func (h *Harness) CallerHangsUp(c Call) {
	h.T.Helper()
	if end := h.HangUp(c); end.Reason != events.EndCallerHungUp {
		h.T.Fatalf("ended %+v", end)
	}
	if v := c.Violations(); len(v) > 0 {
		h.T.Fatalf("protocol violations: %v", v)
	}
}

// EndedBy waits for a call to end and fails unless it ended for reason.
func (h *Harness) EndedBy(c Call, reason string) {
	h.T.Helper()
	if end := h.WaitEnded(c.ID); end.Reason != reason {
		h.T.Fatalf("ended %+v, want %s", end, reason)
	}
}
