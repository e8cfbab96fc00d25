package vonage

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

const placeTTL = 10 * time.Minute

// Place implements telephony.Dialer: Vonage calls d.To and requests the
// answer URL, with a ticket naming the assistant, once answered.
func (g *Gateway) Place(ctx context.Context, d telephony.Dial) (string, error) {
	route, err := telephony.Resolve(ctx, g.cfg.Directory, telephony.Lookup{Carrier: telephony.Vonage, Number: d.From,
		Caller: d.To, OrganizationID: d.OrganizationID, AssistantID: d.AssistantID})
	if err != nil {
		return "", err
	}
	if route.Credentials.Vonage == nil {
		return "", telephony.ErrNoCredentials
	}
	ticket, err := g.cfg.Tickets.Seal(telephony.Ticket{Carrier: telephony.Vonage, OrganizationID: route.OrganizationID,
		AssistantID: route.AssistantID, From: d.From, To: d.To, Direction: telephony.Outbound,
		Expires: g.cfg.Tickets.Now().Add(placeTTL)})
	if err != nil {
		return "", err
	}
	var res struct {
		UUID string `json:"uuid"`
	}
	body := map[string]any{
		"to":            []map[string]string{{"type": "phone", "number": vonageNumber(d.To)}},
		"from":          map[string]string{"type": "phone", "number": vonageNumber(d.From)},
		"answer_url":    []string{g.cfg.Public.HTTP(PathAnswer) + "?" + url.Values{"t": {ticket}}.Encode()},
		"answer_method": "GET",
		"event_url":     []string{g.cfg.Public.HTTP(PathEvent)},
		"event_method":  "POST",
	}
	if err := g.api.do(ctx, *route.Credentials.Vonage, http.MethodPost, "/v1/calls", body, &res); err != nil {
		return "", err
	}
	if res.UUID == "" {
		return "", errors.New("vonage: call created without a uuid")
	}
	return res.UUID, nil
}
