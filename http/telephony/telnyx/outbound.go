package telnyx

import (
	"cmp"
	"context"
	"errors"
	"strconv"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Place implements telephony.Dialer: a Call Control dial with the media
// stream attached, which starts when the callee answers.
func (g *Gateway) Place(ctx context.Context, d telephony.Dial) (string, error) {
	route, ticket, err := telephony.PlaceTicket(ctx, g.cfg.Directory, g.cfg.Tickets, telephony.Telnyx, d, hasConnection)
	if err != nil {
		return "", err
	}
	tx := route.Credentials.Telnyx
	body := map[string]string{"connection_id": tx.ConnectionID, "to": d.To, "from": d.From,
		"timeout_secs": strconv.Itoa(route.Snapshot.Config.CallFlowSettings.RingingTimeoutSeconds)}
	for k, v := range g.streamParams(ticket) {
		body[k] = v
	}
	if vm := route.Snapshot.Config.VoicemailSettings; vm.CarrierDetection && vm.Detection != "off" {
		// Telnyx's own detection, a second signal for the screening:
		// call.machine.detection.ended says human or machine
		body["answering_machine_detection"] = "detect"
	}
	var res struct {
		Data struct {
			CallControlID string `json:"call_control_id"`
		} `json:"data"`
	}
	if err := g.api.post(ctx, tx.APIKey, "/calls", body, &res); err != nil {
		return "", err
	}
	if res.Data.CallControlID == "" {
		return "", errors.New("telnyx: call created without a call control id")
	}
	return res.Data.CallControlID, nil
}

// SendSMS implements telephony.Texter through Telnyx's messages API.
func (g *Gateway) SendSMS(ctx context.Context, m telephony.SMS) (string, error) {
	route, err := telephony.Resolve(ctx, g.cfg.Directory, telephony.Lookup{Carrier: telephony.Telnyx, Number: m.From,
		Caller: m.To, OrganizationID: m.OrganizationID, AssistantID: m.AssistantID})
	if err != nil {
		return "", err
	}
	tx := route.Credentials.Telnyx
	if tx == nil {
		return "", telephony.ErrNoCredentials
	}
	body := map[string]string{"from": m.From, "to": m.To, "text": m.Body}
	if profile := cmp.Or(m.MessagingServiceSID, tx.MessagingProfileID); profile != "" {
		body["messaging_profile_id"] = profile
	}
	var res struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := g.api.post(ctx, tx.APIKey, "/messages", body, &res); err != nil {
		return "", err
	}
	return res.Data.ID, nil
}

// hasConnection refuses a route without the Telnyx account and Call
// Control application an outbound call needs.
func hasConnection(r *telephony.Route) error {
	if tx := r.Credentials.Telnyx; tx == nil || tx.ConnectionID == "" {
		return telephony.ErrNoCredentials
	}
	return nil
}
