// Package tools runs the functions a model calls that the call does not
// carry out itself: an assistant's custom HTTP tools and send_sms. Call
// controls (end_call, transfer_call, send_dtmf) never reach it.
package tools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/voice"
)

// SMS texts a number through the call's carrier.
type SMS interface {
	// SendSMS sends body to the customer of call c and returns the
	// carrier's message ID.
	SendSMS(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, to, body string) (string, error)
}

// Runner runs tools for every call of an engine.
type Runner struct {
	Client    *http.Client   // nil: http.DefaultClient's transport, with each tool's timeout
	SMS       SMS            // nil: send_sms answers that texting is unavailable
	Knowledge call.Knowledge // nil: searchKnowledgeBase answers that it is unavailable
	Webhook   Webhook        // nil: custom tools without a url answer that they have no endpoint
	Log       *slog.Logger
}

var _ call.ToolRunner = (*Runner)(nil)

// ErrUnknownTool is a call of a tool the assistant does not offer.
var ErrUnknownTool = errors.New("no such tool")

// RunTool implements call.ToolRunner. Its error is what the model is told.
func (r *Runner) RunTool(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, tc voice.ToolCall) (string, error) {
	ts := cfg.ToolsSettings
	if tc.Name == call.ToolSendSMS && ts.SendSMS.Enabled {
		return r.sendSMS(ctx, c, cfg, tc)
	}
	if rs := cfg.RAGSettings; tc.Name == knowledge.ToolName && rs.Enabled && !rs.RAGInjectBeforeLLM {
		return r.searchKnowledge(ctx, c, cfg, tc)
	}
	for _, ct := range ts.CustomTools {
		switch {
		case !ct.Enabled || ct.Name != tc.Name:
		case ct.URL == "":
			return r.runWebhook(ctx, c, cfg, ct, tc)
		default:
			return r.runHTTP(ctx, c, ct, tc)
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownTool, tc.Name)
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}
