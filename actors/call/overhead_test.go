package call

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/voice"
)

// A reply's first frame and a barge-in's clear are timed from the inputs
// that caused them; the frames after the first, and clears that are not
// a barge-in, are not.
func TestOverheadIsTimedFromTheCausingInput(t *testing.T) {
	h := newHarness(t, nil)
	h.llm.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
		return "I can help with orders, returns, deliveries, billing, and a great many other things besides.", nil
	}
	cl := h.start("CA-overhead")
	cl.speak("help")
	h.until(10*time.Second, "reply playing", func() bool { return len(cl.line.Heard()) >= 4 })
	if got := cl.line.Timings(); got.Frames != 1 || got.Clears != 0 {
		t.Fatalf("timed %+v after one reply's first frames; want one frame", got)
	}
	cl.speak("stop right there please")
	h.until(5*time.Second, "cleared", func() bool { return cl.line.Clears() == 1 })
	h.until(5*time.Second, "next reply", func() bool { return cl.line.Timings().Frames == 2 })
	if got := cl.line.Timings(); got.Clears != 1 {
		t.Fatalf("timed %+v after a barge-in; want its clear", got)
	}
}

type countTimings struct{ n atomic.Int64 }

func (c *countTimings) EndOfTurnToRequest(d time.Duration) {
	if d >= 0 {
		c.n.Add(1)
	}
}

// The model's request is timed when it is written, once: a fallback
// model's request after it is not the turn's.
func TestModelRequestIsTimedOnceWritten(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	var tm countTimings
	ctx := timeRequest(context.Background(), mono.Now(), &tm)
	for range 2 {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := tm.n.Load(); n != 1 {
		t.Fatalf("timed %d requests, want 1", n)
	}
}
