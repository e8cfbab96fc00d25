package llmtest

import (
	"context"
	"net/http/httptrace"
	"slices"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

// ConnectionReused checks that a finished stream is read to its end, so
// that the next request reuses the connection instead of paying for a new
// one.
func ConnectionReused(t *testing.T, c voice.LLM, req voice.LLMRequest) {
	var reused []bool
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) },
	})
	for range 3 {
		if err := c.Generate(ctx, req, func(voice.LLMEvent) {}); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(reused, []bool{false, true, true}) {
		t.Fatalf("connections reused: %v", reused)
	}
}
