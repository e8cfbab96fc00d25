package plivo

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// transferTTL bounds the fetch of a transfer's XML after the request.
const transferTTL = 5 * time.Minute

// control is a call's control through Plivo's REST API.
type control struct {
	g      *Gateway
	acct   telephony.PlivoAccount
	ticket telephony.Ticket
}

// HangUp implements telephony.Control; 404 means the call already ended.
func (c *control) HangUp(ctx context.Context) error {
	err := c.g.api.do(ctx, c.acct, http.MethodDelete, callPath(c.ticket.CallID), nil, nil)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		return nil
	}
	return err
}

// Transfer implements telephony.Control: the caller's leg is sent to XML
// that dials the number (cold; a warm request is made cold, with a
// warning).
func (c *control) Transfer(ctx context.Context, req voice.TransferRequest) error {
	if req.Warm {
		c.g.cfg.Log.Warn("warm transfers are not supported on Plivo: transferring cold", "call_sid", c.ticket.CallID)
	}
	tk := c.ticket
	tk.Expires = c.g.cfg.Tickets.Now().Add(transferTTL)
	ticket, err := c.g.cfg.Tickets.Seal(tk)
	if err != nil {
		return err
	}
	u := c.g.cfg.Public.HTTP(PathTransfer) + "?" + url.Values{"t": {ticket}, "to": {req.To}}.Encode()
	return c.g.api.do(ctx, c.acct, http.MethodPost, callPath(tk.CallID),
		map[string]string{"legs": "aleg", "aleg_url": u, "aleg_method": "POST"}, nil)
}

// SendDTMF implements telephony.DTMFSender with Plivo's Send Digits API.
func (c *control) SendDTMF(ctx context.Context, digits string) error {
	return c.g.api.do(ctx, c.acct, http.MethodPost, callPath(c.ticket.CallID)+"DTMF/",
		map[string]string{"digits": digits, "leg": "aleg"}, nil)
}
