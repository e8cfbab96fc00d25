package twilio

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Place implements telephony.Dialer: Twilio calls d.To from d.From and,
// once answered, requests the voice webhook with a ticket naming the
// assistant, which answers with the media stream as for an inbound call.
func (g *Gateway) Place(ctx context.Context, d telephony.Dial) (string, error) {
	route, ticket, err := telephony.PlaceTicket(ctx, g.cfg.Directory, g.cfg.Tickets, telephony.Twilio, d, hasAccount)
	if err != nil {
		return "", err
	}
	form := url.Values{
		"To": {d.To}, "From": {d.From}, "Method": {"POST"},
		"Url":                  {g.cfg.Public.HTTP(PathVoice) + "?" + url.Values{"t": {ticket}}.Encode()},
		"StatusCallback":       {g.cfg.Public.HTTP(PathStatus)},
		"StatusCallbackMethod": {"POST"},
		"StatusCallbackEvent":  {"initiated", "ringing", "answered", "completed"},
	}
	cfg := route.Snapshot.Config
	// Twilio rings for 5 to 600 seconds.
	form.Set("Timeout", strconv.Itoa(max(cfg.CallFlowSettings.RingingTimeoutSeconds, 5)))
	if vm := cfg.VoicemailSettings; vm.CarrierDetection && vm.Detection != "off" {
		// Asynchronous: the call connects at once, and what Twilio found
		// arrives as a second opinion beside the engine's own screening.
		form.Set("MachineDetection", "Enable")
		form.Set("AsyncAmd", "true")
		form.Set("AsyncAmdStatusCallback", g.cfg.Public.HTTP(PathAMD))
		form.Set("AsyncAmdStatusCallbackMethod", "POST")
	}
	var res resource
	if err := g.api.post(ctx, *route.Credentials.Twilio, "/Calls.json", form, &res); err != nil {
		return "", err
	}
	if res.SID == "" {
		return "", fmt.Errorf("twilio: call created without a SID")
	}
	g.upgrades.remember(*route.Credentials.Twilio)
	return res.SID, nil
}

// SendSMS implements telephony.Texter through Twilio's Messages API: from
// the messaging service when one is set, else from m.From.
func (g *Gateway) SendSMS(ctx context.Context, m telephony.SMS) (string, error) {
	route, err := telephony.Resolve(ctx, g.cfg.Directory, telephony.Lookup{Carrier: telephony.Twilio, Number: m.From,
		Caller: m.To, OrganizationID: m.OrganizationID, AssistantID: m.AssistantID})
	if err != nil {
		return "", err
	}
	if route.Credentials.Twilio == nil {
		return "", telephony.ErrNoCredentials
	}
	form := url.Values{"To": {m.To}, "Body": {m.Body}}
	if m.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", m.MessagingServiceSID)
	} else {
		form.Set("From", m.From)
	}
	var res resource
	if err := g.api.post(ctx, *route.Credentials.Twilio, "/Messages.json", form, &res); err != nil {
		return "", err
	}
	return res.SID, nil
}

// hasAccount refuses a route without the Twilio account a call or a
// message needs.
func hasAccount(r *telephony.Route) error {
	if r.Credentials.Twilio == nil {
		return telephony.ErrNoCredentials
	}
	return nil
}
