// Package llmtest holds what the LLM clients' tests share.
package llmtest

import (
	"context"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

// Generate runs req on c and returns its events, failing t if they break
// the event contract.
func Generate(t testing.TB, c voice.LLM, req voice.LLMRequest) (*openaifake.Events, error) {
	t.Helper()
	rec := &openaifake.Events{}
	err := c.Generate(context.Background(), req, rec.Emit)
	if e := rec.Err(); e != nil {
		t.Error(e)
	}
	return rec, err
}
