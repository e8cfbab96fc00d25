package telnyx

import (
	"context"
	"errors"

	"github.com/switchboard-voice/switchboard/voice"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// control is a call's control through Call Control commands.
type control struct {
	g      *Gateway
	acct   telephony.TelnyxAccount
	callID string
	from   string // the engine's number on the call
}

// HangUp implements telephony.Control; a call that already ended is not
// an error.
func (c *control) HangUp(ctx context.Context) error {
	err := c.g.api.command(ctx, c.acct.APIKey, c.callID, "hangup", nil)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.has(codeCallEnded) {
		return nil
	}
	return err
}

// Transfer implements telephony.Control with Telnyx's transfer command.
// Only cold transfers exist here: a warm one is made cold, with a warning.
func (c *control) Transfer(ctx context.Context, req voice.TransferRequest) error {
	if req.Warm {
		c.g.cfg.Log.Warn("warm transfers are not supported on Telnyx: transferring cold", "call_sid", c.callID)
	}
	return c.g.api.command(ctx, c.acct.APIKey, c.callID, "transfer", map[string]string{"to": req.To, "from": c.from})
}

// SendDTMF implements telephony.DTMFSender.
func (c *control) SendDTMF(ctx context.Context, digits string) error {
	return c.g.api.command(ctx, c.acct.APIKey, c.callID, "send_dtmf", map[string]any{"digits": digits, "duration_millis": 250})
}
