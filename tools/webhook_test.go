package tools

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// fakeWebhook answers tool calls, or waits for its context when slow.
type fakeWebhook struct {
	slow bool
	url  string
	args string
}

func (f *fakeWebhook) ToolCall(ctx context.Context, _ *voice.CallInfo, _ assistant.Config, url string, tc voice.ToolCall, args json.RawMessage) (string, error) {
	f.url, f.args = url, string(args)
	if f.slow {
		<-ctx.Done()
		return "", ctx.Err()
	}
	return "Booked " + tc.ID + ".", nil
}

// A tool without a url is run by the assistant's webhook when it takes
// tool-calls, within the tool's timeout, and fails plainly otherwise.
func TestToolWithoutURLGoesToTheWebhook(t *testing.T) {
	cfg := withTool(assistant.CustomTool{Name: "book", TimeoutSeconds: 0.5})
	url, events := "https://hooks.test/vd", []string{"tool-calls"}
	hook := &fakeWebhook{}
	r := Runner{Webhook: hook}
	tc := voice.ToolCall{ID: "tc1", Name: "book", Arguments: `{"people":2}`}
	if _, err := r.RunTool(t.Context(), inbound, cfg, tc); err == nil || !strings.Contains(err.Error(), "no endpoint") {
		t.Fatalf("without a webhook: %v", err)
	}
	cfg.WebhookURL, cfg.WebhookSettings.Enabled = &url, true
	cfg.WebhookSettings.Format, cfg.WebhookSettings.Events = "voicedock", &events
	res, err := r.RunTool(t.Context(), inbound, cfg, tc)
	if err != nil || res != "Booked tc1." || hook.url != url || hook.args != `{"people":2}` {
		t.Fatalf("%q %v, hook %+v", res, err, hook)
	}
	if _, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{ID: "tc2", Name: "book", Arguments: `[1]`}); err == nil {
		t.Fatal("arguments that are not an object were sent")
	}
	hook.slow = true
	start := time.Now()
	if _, err := r.RunTool(t.Context(), inbound, cfg, tc); err == nil || !strings.Contains(err.Error(), "no answer within 500ms") {
		t.Fatalf("slow webhook: %v", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Fatal("the tool's timeout did not bound the webhook")
	}
}
