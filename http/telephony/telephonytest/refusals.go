package telephonytest

import (
	"context"
	"errors"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// RefusedCall is a fake carrier's call the engine may turn away.
type RefusedCall interface {
	Said() []string
	Streams() int
	TransferredTo() string
	HangUp()
	Done() <-chan struct{}
}

// Bypass puts CallerNumber on the bypass list, which goes to AgentNumber.
func Bypass(c *assistant.Config) {
	c.BypassNumbers = []string{CallerNumber}
	c.ToolsSettings.TransferCall = assistant.TransferCallTool{TransferNumbers: []string{AgentNumber}}
}

// CheckBypassAndRefusals checks, on a route edited by Bypass, that the
// caller goes straight to the agent and that calls to an unknown or
// inactive number are refused with the carrier's message; none reaches
// the assistant.
func CheckBypassAndRefusals[C RefusedCall](h *Harness, dial func(ctx context.Context, from, to string) (C, error)) {
	h.T.Helper()
	c := Dial(h, dial)
	if c.TransferredTo() != AgentNumber || c.Streams() != 0 {
		h.T.Fatalf("bypass: transferred to %q, %d streams", c.TransferredTo(), c.Streams())
	}
	c.HangUp()
	h.Dir.AddNumber("+15550002222", 1, false)
	for _, tc := range []struct{ to, said string }{
		{"+15559999999", telephony.RefusalUnknown}, {"+15550002222", telephony.RefusalInactive},
	} {
		c, err := dial(Ctx(h.T, 10*time.Second), CallerNumber, tc.to)
		if err != nil {
			h.T.Fatal(err)
		}
		<-c.Done()
		if said := c.Said(); len(said) != 1 || said[0] != tc.said || c.Streams() != 0 {
			h.T.Fatalf("%s: said %q, %d streams", tc.to, said, c.Streams())
		}
	}
	if h.Events.Started() != 0 {
		h.T.Fatal("a call reached the assistant")
	}
}

// CheckUnroutable checks that a call the engine cannot route (its
// database is away) is told so in the carrier's language and hung up, not
// answered with an HTTP error, and never reaches the assistant.
func CheckUnroutable[C RefusedCall](h *Harness, dial func(ctx context.Context, from, to string) (C, error)) {
	h.T.Helper()
	h.Dir.FailRoutes(errors.New("database unreachable"))
	c, err := dial(Ctx(h.T, 10*time.Second), CallerNumber, Number)
	if err != nil {
		h.T.Fatal(err)
	}
	<-c.Done()
	if said := c.Said(); len(said) != 1 || said[0] != telephony.RefusalUnavailable || c.Streams() != 0 {
		h.T.Fatalf("said %q, %d streams", said, c.Streams())
	}
	if h.Events.Started() != 0 {
		h.T.Fatal("an unroutable call started")
	}
}
