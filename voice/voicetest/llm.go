package voicetest

import (
	"context"
	"strings"
	"sync"

	"github.com/switchboard-voice/switchboard/voice"
)

// LLM answers generations from a script, instantly (or after Gate, when
// set, is closed).
type LLM struct {
	// Reply decides the answer to a request; nil echoes the last message.
	Reply func(req voice.LLMRequest) (text string, calls []voice.ToolCall)
	// Gate, when set, holds every generation until it is closed or the
	// generation is cancelled.
	Gate chan struct{}
	// Err makes generations fail.
	Err error

	mu       sync.Mutex
	requests []voice.LLMRequest
}

// Generate implements voice.LLM.
func (l *LLM) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	l.mu.Lock()
	l.requests = append(l.requests, req)
	gate := l.Gate
	l.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if l.Err != nil {
		return l.Err
	}
	text, calls := "You said: "+req.Messages[len(req.Messages)-1].Content, []voice.ToolCall(nil)
	if l.Reply != nil {
		text, calls = l.Reply(req)
	}
	emit(&voice.LLMServed{Provider: "script"})
	for _, w := range strings.SplitAfter(text, " ") {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if w != "" {
			emit(&voice.TextDelta{Text: w})
		}
	}
	for _, c := range calls {
		emit(&voice.ToolCallEvent{Call: c})
	}
	emit(&voice.LLMDone{Reason: "stop"})
	return nil
}

// Requests returns the generations asked for so far.
func (l *LLM) Requests() []voice.LLMRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]voice.LLMRequest(nil), l.requests...)
}
