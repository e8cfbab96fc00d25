package vonage

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Place implements telephony.Dialer: Vonage calls d.To and requests the
// answer URL, with a ticket naming the assistant, once answered.
func (g *Gateway) Place(ctx context.Context, d telephony.Dial) (string, error) {
	route, ticket, err := telephony.PlaceTicket(ctx, g.cfg.Directory, g.cfg.Tickets, telephony.Vonage, d, hasAccount)
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
		"ringing_timer": route.Snapshot.Config.CallFlowSettings.RingingTimeoutSeconds,
	}
	if vm := route.Snapshot.Config.VoicemailSettings; vm.CarrierDetection && vm.Detection != "off" {
		// Vonage's standard machine detection, a second signal for the
		// screening: an event with status human or machine
		body["machine_detection"] = "continue"
	}
	if err := g.api.do(ctx, *route.Credentials.Vonage, http.MethodPost, "/v1/calls", body, &res); err != nil {
		return "", err
	}
	if res.UUID == "" {
		return "", errors.New("vonage: call created without a uuid")
	}
	return res.UUID, nil
}
