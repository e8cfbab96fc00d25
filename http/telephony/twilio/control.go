package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxSummary bounds the warm-transfer brief carried in callback URLs.
const maxSummary = 1000

// resultTTL bounds a warm transfer's callbacks: the agent may talk to the
// caller for hours before the dial's result arrives.
const resultTTL = 12 * time.Hour

// control is a call's control through Twilio's REST API.
type control struct {
	g      *Gateway
	acct   telephony.TwilioAccount
	ticket telephony.Ticket // the call's
}

// HangUp implements telephony.Control. A call that already ended is not
// an error.
func (c *control) HangUp(ctx context.Context) error {
	err := c.g.api.updateCall(ctx, c.acct, c.ticket.CallID, url.Values{"Status": {"completed"}})
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusNotFound || apiErr.Code == codeNotInProgress) {
		return nil
	}
	return err
}

// Transfer implements telephony.Control by replacing the call's TwiML,
// which ends its media stream. A cold transfer dials the number. A warm
// one dials it with a whisper: the agent hears the brief (and, with
// confirmation, must press 1) before the caller is bridged; if nobody
// takes the call, the result callback tells the caller and reconnects it
// to the assistant, whose conversation continues.
func (c *control) Transfer(ctx context.Context, req voice.TransferRequest) error {
	doc := twimlDoc(dial(req.To))
	if req.Warm {
		var err error
		if doc, err = c.warmDial(req); err != nil {
			return err
		}
	}
	return c.g.api.updateCall(ctx, c.acct, c.ticket.CallID, url.Values{"Twiml": {doc}})
}

func (c *control) warmDial(req voice.TransferRequest) (string, error) {
	tk := c.ticket
	tk.Resume = false
	tk.Expires = c.g.cfg.Tickets.Now().Add(resultTTL)
	ticket, err := c.g.cfg.Tickets.Seal(tk)
	if err != nil {
		return "", err
	}
	summary := req.Summary
	if len(summary) > maxSummary {
		summary = strings.ToValidUTF8(summary[:maxSummary], "")
	}
	agent := url.Values{"t": {ticket}, "summary": {summary}}
	if req.AgentConfirmation {
		agent.Set("confirm", "1")
	}
	result := url.Values{"t": {ticket}, "unavailable": {req.UnavailableMessage}}
	pub := c.g.cfg.Public
	return twimlDoc(`<Dial action="` + telephony.XMLText(pub.HTTP(PathTransferResult)+"?"+result.Encode()) +
		`" method="POST" answerOnBridge="true" timeout="` + strconv.Itoa(int(c.g.cfg.AgentTimeout/time.Second)) + `">` +
		`<Number url="` + telephony.XMLText(pub.HTTP(PathTransferAgent)+"?"+agent.Encode()) + `" method="POST">` +
		telephony.XMLText(req.To) + `</Number></Dial>`), nil
}
