package engine

import (
	"context"
	"encoding/json"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// toolWebhook sends the tool calls of custom tools without a url to the
// assistant's VoiceDock webhook (tool-calls), signed with its secret.
type toolWebhook struct {
	hooks      *webhooks.Dispatcher
	assistants *assistants.Registry
}

func (w toolWebhook) ToolCall(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, url string, tc voice.ToolCall, args json.RawMessage) (string, error) {
	call := webhooks.RequestCall{OrganizationID: c.OrganizationID, ID: c.ID, Type: "inbound_phone_call", From: c.From, To: c.To,
		AssistantName: cfg.Name, Secret: ptr.Value(cfg.WebhookSettings.Secret)}
	switch {
	case c.Carrier == telephony.Web:
		call.Type = "web_call"
	case c.Direction == telephony.Outbound:
		call.Type, call.From, call.To = "outbound_phone_call", c.To, c.From
	}
	if snap, err := w.assistants.Get(ctx, c.OrganizationID, c.AssistantID); err == nil {
		call.AssistantUUID = snap.UUID // the message names the assistant when it is still there
	}
	return w.hooks.ToolCall(ctx, url, call, tc.ID, tc.Name, args)
}
