package llmtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

// CancelMidStream cancels a request to srv, whose script's second word is
// "b", at that word, and checks that the client returns context.Canceled
// and that the server stops streaming.
func CancelMidStream(t *testing.T, srv Fake, c voice.LLM) {
	srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: 2}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &openaifake.Events{}
	rec.OnEvent = func(e voice.LLMEvent) {
		if d, ok := e.(*voice.TextDelta); ok && d.Text == " b" {
			cancel()
		}
	}
	if err := c.Generate(ctx, UserRequest("x"), rec.Emit); err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if srv.Active() != 0 {
			return errors.New("the server still streams")
		}
		return nil
	})
}
