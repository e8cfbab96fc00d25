package vonage

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// control is a call's control through the Voice API.
type control struct {
	g    *Gateway
	acct telephony.VonageAccount
	uuid string
	from string // the engine's number on the call
}

func (c *control) path() string { return "/v1/calls/" + url.PathEscape(c.uuid) }

// HangUp implements telephony.Control; 404 means the call already ended.
func (c *control) HangUp(ctx context.Context) error {
	err := c.g.api.do(ctx, c.acct, http.MethodPut, c.path(), map[string]string{"action": "hangup"}, nil)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		return nil
	}
	return err
}

// Transfer implements telephony.Control: the call is moved to an NCCO
// connecting it to the number (cold; a warm request is made cold, with a
// warning).
func (c *control) Transfer(ctx context.Context, req voice.TransferRequest) error {
	if req.Warm {
		c.g.cfg.Log.Warn("warm transfers are not supported on Vonage: transferring cold", "call_sid", c.uuid)
	}
	return c.g.api.do(ctx, c.acct, http.MethodPut, c.path(), map[string]any{"action": "transfer",
		"destination": map[string]any{"type": "ncco", "ncco": ncco{connectPhone(c.from, req.To)}}}, nil)
}

// SendDTMF implements telephony.DTMFSender.
func (c *control) SendDTMF(ctx context.Context, digits string) error {
	return c.g.api.do(ctx, c.acct, http.MethodPut, c.path()+"/dtmf", map[string]string{"digits": digits}, nil)
}
