package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxSMS is the longest text sent: ten concatenated segments.
const maxSMS = 1600

// ErrNoSMS means texting is not set up on this engine or for this call.
var ErrNoSMS = errors.New("text messages are not available on this call")

// sendSMS texts the customer: the model's message, else the assistant's
// default_message.
func (r *Runner) sendSMS(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, tc voice.ToolCall) (string, error) {
	var args struct {
		Message string `json:"message"`
	}
	if strings.TrimSpace(tc.Arguments) != "" {
		if err := json.Unmarshal([]byte(tc.Arguments), &args); err != nil {
			return "", fmt.Errorf("arguments are not a JSON object with a message: %w", err)
		}
	}
	body := strings.TrimSpace(args.Message)
	if body == "" {
		body = strings.TrimSpace(ptr.Value(cfg.ToolsSettings.SendSMS.DefaultMessage))
	}
	switch {
	case body == "":
		return "", errors.New("no message to send: give one in the message argument")
	case len(body) > maxSMS:
		return "", fmt.Errorf("the message is %d characters long; at most %d can be sent", len(body), maxSMS)
	}
	to := customer(c)
	if r.SMS == nil || to == "" {
		return "", ErrNoSMS
	}
	id, err := r.SMS.SendSMS(ctx, c, cfg, to, body)
	if err != nil {
		r.log().Warn("text message not sent", "call_id", c.ID, "err", err)
		return "", fmt.Errorf("the text message could not be sent: %w", err)
	}
	r.log().Info("text message sent", "call_id", c.ID, "message_id", id)
	return `{"status":"sent"}`, nil
}

// customer is the number of the person on the call.
func customer(c *voice.CallInfo) string {
	if c.Direction == "outbound" {
		return c.To
	}
	return c.From
}
