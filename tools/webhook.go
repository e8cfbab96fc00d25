package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// Webhook runs the custom tools without a url: their calls go to the
// assistant's webhook (VoiceDock's tool-calls), which answers the result.
type Webhook interface {
	// ToolCall sends one tool call, its arguments a JSON object, to url
	// and returns the result for the model.
	ToolCall(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, url string, tc voice.ToolCall, args json.RawMessage) (string, error)
}

// runWebhook has the assistant's webhook run a tool without a url, within
// the tool's timeout.
func (r *Runner) runWebhook(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, ct assistant.CustomTool, tc voice.ToolCall) (string, error) {
	url, ok := cfg.ToolCallsWebhook()
	if !ok || r.Webhook == nil {
		return "", fmt.Errorf("the %s tool has no endpoint: the assistant's webhook does not take tool-calls", ct.Name)
	}
	args := json.RawMessage("{}")
	if a := strings.TrimSpace(tc.Arguments); a != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(a), &obj); err != nil || obj == nil {
			return "", fmt.Errorf("arguments are not a JSON object: %s", a)
		}
		args = json.RawMessage(a)
	}
	timeout := time.Duration(ct.TimeoutSeconds * float64(time.Second))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	result, err := r.Webhook.ToolCall(ctx, c, cfg, url, tc, args)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", timeout)
		}
		r.log().Warn("tool-calls webhook failed", "call_id", c.ID, "tool", ct.Name, "err", err)
		return "", fmt.Errorf("the %s tool failed: %w", ct.Name, err)
	}
	return truncate([]byte(result)), nil
}
