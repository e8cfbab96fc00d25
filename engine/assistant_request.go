package engine

import (
	"context"
	"log/slog"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/assistant/voicedock"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// assistantRequests ask an inbound call's webhook how to run it, when its
// assistant lists VoiceDock's assistant-request: the answer overrides the
// configuration for this call (validated as a VoiceDock PATCH) or rejects
// the call with words to say. No answer within
// assistant.AssistantRequestTimeout, an error or an invalid answer leaves
// the assistant as configured, logged.
type assistantRequests struct {
	hooks  *webhooks.Dispatcher
	sealer assistant.Sealer
	log    *slog.Logger
}

func (r assistantRequests) Request(ctx context.Context, c *voice.CallInfo, snap *assistants.Snapshot) (*assistants.Snapshot, string) {
	url, ok := snap.Config.AssistantRequest()
	if !ok {
		return snap, ""
	}
	ctx, cancel := context.WithTimeout(ctx, assistant.AssistantRequestTimeout)
	defer cancel()
	log := r.log.With("call_sid", c.ID, "assistant_id", snap.ID)
	answer, err := r.hooks.AssistantRequest(ctx, url, webhooks.RequestCall{OrganizationID: snap.OrganizationID,
		ID: c.ID, Type: "inbound_phone_call", From: c.From, To: c.To, AssistantUUID: snap.UUID,
		AssistantName: snap.Config.Name, Secret: ptr.Value(snap.Config.WebhookSettings.Secret)})
	switch {
	case err != nil:
		log.Warn("assistant-request failed: the assistant's configuration is used", "err", err)
		return snap, ""
	case answer.Reject != "":
		log.Info("assistant-request rejected the call")
		return snap, answer.Reject
	case answer.Assistant == nil:
		return snap, ""
	}
	doc, err := assistant.DecodeDocument(answer.Assistant)
	var res assistant.Result
	if err == nil {
		res, err = assistant.Apply(snap.Doc, voicedock.Serialised(doc), r.sealer)
	}
	if err != nil {
		log.Warn("assistant-request's answer refused: the assistant's configuration is used", "err", err)
		return snap, ""
	}
	out := *snap
	out.Config, out.Secrets, out.Doc, out.JSON = res.Config, res.Secrets, res.Doc, res.JSON
	log.Info("assistant-request overrode the configuration for this call", "fields", res.Changed)
	return &out, ""
}
