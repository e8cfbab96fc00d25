package plivo

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Place implements telephony.Dialer: Plivo calls d.To and requests the
// answer URL, with a ticket naming the assistant, when it is answered. It
// returns Plivo's request UUID (the CallUUID arrives with the answer).
func (g *Gateway) Place(ctx context.Context, d telephony.Dial) (string, error) {
	route, ticket, err := telephony.PlaceTicket(ctx, g.cfg.Directory, g.cfg.Tickets, telephony.Plivo, d, hasAccount)
	if err != nil {
		return "", err
	}
	var res struct {
		RequestUUID string `json:"request_uuid"`
	}
	body := map[string]string{"from": d.From, "to": d.To, "answer_method": "POST",
		"answer_url": g.cfg.Public.HTTP(PathAnswer) + "?" + url.Values{"t": {ticket}}.Encode(),
		"hangup_url": g.cfg.Public.HTTP(PathStatus), "hangup_method": "POST",
		"ring_timeout": strconv.Itoa(route.Snapshot.Config.CallFlowSettings.RingingTimeoutSeconds)}
	if vm := route.Snapshot.Config.VoicemailSettings; vm.CarrierDetection && vm.Detection != "off" {
		// Plivo's own detection, a second signal for the screening
		body["machine_detection"] = "true"
		body["machine_detection_url"] = g.cfg.Public.HTTP(PathMachine)
		body["machine_detection_method"] = "POST"
	}
	if err := g.api.do(ctx, *route.Credentials.Plivo, http.MethodPost, "/Call/", body, &res); err != nil {
		return "", err
	}
	if res.RequestUUID == "" {
		return "", errors.New("plivo: call created without a request uuid")
	}
	return res.RequestUUID, nil
}
