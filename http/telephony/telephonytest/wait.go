package telephonytest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/voice"
)

// Ctx is a context cancelled after d or at the test's end.
func Ctx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// WaitHeard waits until the caller heard text.
func WaitHeard(t testing.TB, p *phone.Phone, text string) {
	t.Helper()
	if err := p.WaitHeard(Ctx(t, 15*time.Second), text); err != nil {
		t.Fatalf("waiting to hear %q: heard %q", text, p.Transcript())
	}
}

// WaitEnded waits until a call ended and returns how.
func (h *Harness) WaitEnded(id string) events.CallEnded {
	h.T.Helper()
	var end events.CallEnded
	testkit.Eventually(h.T, 15*time.Second, func() error {
		var ok bool
		if end, ok = h.Events.Ended(id); !ok {
			return errors.New("call " + id + " has not ended")
		}
		return nil
	})
	return end
}

// Welcome sets the assistant's first words.
func Welcome(text string) func(*assistant.Config) {
	return func(c *assistant.Config) { c.LLMSettings.WelcomeMessage = &text }
}

// LastMessage is the content of a request's last message.
func LastMessage(req voice.LLMRequest) string { return req.Messages[len(req.Messages)-1].Content }
