package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/privacy"
	"github.com/switchboard-voice/switchboard/sip/gateway"
)

// Dialer places outbound calls through the carrier of the From number;
// each carrier's gateway implements it. The call's media stream, once
// answered, starts the call actor like an inbound one (Direction outbound).
type Dialer interface {
	Dial(ctx context.Context, c OutboundCall) (Dialed, error)
}

// OutboundCall is a call to place. From is one of the organization's
// numbers; both are E.164.
type OutboundCall struct {
	OrganizationID int64
	AssistantID    int64
	From, To       string
	Variables      map[string]string // call-time {{name}} values, nil for none
}

// Dialed is a call the carrier accepted.
type Dialed struct {
	CallSID string
	Carrier string // twilio, telnyx, vonage, plivo, sip
	DialID  string // what the call's variables are sealed under; "" without variables
	// Ring, when set, sends the call on its way: a carrier whose calls
	// the engine signals itself (SIP) waits until the call is recorded as
	// placed, so that what it reports of the call applies to its record.
	Ring func()
}

// ErrUnknownNumber is what a Dialer returns when From is not a number of
// the organization it can call from (a 422 naming from).
var ErrUnknownNumber = errors.New("api: not a phone number of the organization")

// CallPlacer records a placed call before it is answered, so the carrier's
// status callbacks have a call to apply to: *records.Writer.
type CallPlacer interface {
	CallPlaced(callSID string, at time.Time, info persistence.CallInfo)
}

// LiveCalls finds the calls live on this node: *call.Manager.
type LiveCalls interface {
	Get(id string) (*call.Call, bool)
	Live() []*call.Call
}

// dialRefused is a call that cannot be placed as asked, naming the
// request's field.
type dialRefused struct{ field, msg string }

func (e *dialRefused) Error() string { return e.field + ": " + e.msg }

// place places an outbound call for an active assistant of the
// organization and records it as queued. A call that cannot be placed as
// asked is a *dialRefused; any other error is the carrier's.
func (a *API) place(ctx context.Context, snap *assistants.Snapshot, out OutboundCall) (Dialed, error) {
	if !snap.Config.IsActive {
		return Dialed{}, &dialRefused{"assistant_id", "the assistant is not active"}
	}
	if snap.Config.CallFlowSettings.Direction == "inbound" {
		return Dialed{}, &dialRefused{"assistant_id", "the assistant is for inbound calls only (call_flow_settings.direction)"}
	}
	dialed, err := a.Dialer.Dial(ctx, out)
	switch {
	case errors.Is(err, ErrUnknownNumber):
		return Dialed{}, &dialRefused{"from", "not a phone number of your organization"}
	case errors.Is(err, telephony.ErrUnsupported):
		return Dialed{}, &dialRefused{"from", "this number's carrier places no calls here (a SIP number needs the engine's SIP listener: serve --sip-addr)"}
	case errors.Is(err, gateway.ErrNoTLS):
		return Dialed{}, &dialRefused{"from", "this number's SIP trunk has outbound_transport tls: the engine needs its SIP TLS listener (serve --sip-tls-addr)"}
	case errors.Is(err, gateway.ErrNoTrunk):
		return Dialed{}, &dialRefused{"from", "no active SIP trunk of this number has an outbound_address to place calls through"}
	case err != nil:
		return Dialed{}, fmt.Errorf("dial: %w", err)
	}
	from, to, private := out.From, out.To, snap.Config.PrivacySettings.GDPRMode
	if private {
		from, to = privacy.Parties("outbound", from, to)
	}
	info := persistence.CallInfo{OrganizationID: out.OrganizationID, AssistantID: snap.ID,
		ConfigVersion: snap.Version, From: from, To: to, Direction: "outbound", Carrier: dialed.Carrier, Private: private,
		DialID: dialed.DialID}
	info.SetWebhook(snap.Config.CallWebhook())
	a.Placed.CallPlaced(dialed.CallSID, time.Now(), info)
	if dialed.Ring != nil {
		dialed.Ring()
	}
	return dialed, nil
}
