package telephony

import (
	"context"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/voice"
)

// Carriers, as voice.CallInfo.Carrier and phone_numbers.provider name them.
const (
	Twilio = "twilio"
	Telnyx = "telnyx"
	Vonage = "vonage"
	Plivo  = "plivo"
	Web    = "web"
)

// Directions of a call, as voice.CallInfo.Direction names them.
const (
	Inbound  = "inbound"
	Outbound = "outbound"
)

// Directory is the engine's routing and credential store as the gateways
// use it: phone numbers, organizations' carrier settings and the assistant
// registry. The engine implements it; gateways only read through it.
type Directory interface {
	// Route finds who answers a call. A number that matches nothing is
	// ErrUnknownNumber; an inactive number or assistant is ErrInactive.
	Route(ctx context.Context, q Lookup) (*Route, error)
	// History is the earlier conversation a call continues, nil for none:
	// the conversation of q.ResumeCallID when it is set (a caller coming
	// back to the assistant after a warm transfer nobody took), otherwise,
	// when the assistant has conversation continuity enabled, the caller's
	// last conversation with it.
	History(ctx context.Context, r *Route, q Lookup) ([]voice.Message, error)
	// Variables are the call-time variables q.Dial was placed with, nil
	// for none.
	Variables(ctx context.Context, r *Route, q Lookup) (map[string]string, error)
	// Credentials lists every credential configured for a carrier, in
	// organizations' settings and in assistants' own configurations, for
	// checking signatures that arrive before a call is known.
	Credentials(ctx context.Context, carrier string) ([]Credentials, error)
}

// Lookup asks who answers a call.
type Lookup struct {
	Carrier string
	// Number is ours: the called number of an inbound call, the caller ID
	// of a call the engine placed. Caller is the other party.
	Number, Caller string
	// OrganizationID and AssistantID are set when the assistant is already
	// known: calls the engine placed, web calls, and streams of a call
	// answered before. The route is then the assistant's, and Number, if
	// set, must belong to its organization.
	OrganizationID, AssistantID int64
	// ResumeCallID names the call whose conversation continues.
	ResumeCallID string
	// Dial names the outbound dial that placed the call, whose call-time
	// variables it renders.
	Dial string
}

// TicketLookup routes the call a ticket was sealed for, on carrier: to
// its assistant, with the numbers seen from our side (the caller ID of a
// call the engine placed is ours); a resumed call continues its
// conversation.
func TicketLookup(carrier string, tk Ticket) Lookup {
	q := Lookup{Carrier: carrier, Number: tk.To, Caller: tk.From, OrganizationID: tk.OrganizationID, AssistantID: tk.AssistantID,
		Dial: tk.Dial}
	if tk.Direction == Outbound {
		q.Number, q.Caller = tk.From, tk.To
	}
	if tk.Resume {
		q.ResumeCallID = tk.CallID
	}
	return q
}

// Route is who answers a call, with what credentials.
type Route struct {
	OrganizationID int64
	AssistantID    int64
	// Snapshot is the assistant's configuration now (secrets opened).
	Snapshot *assistants.Snapshot
	// Credentials for the carrier of the lookup: the assistant's own
	// (twilio_config, telnyx_config) where set, else the organization's.
	Credentials Credentials
	// Returning says the caller has called the assistant before (a
	// first_call_only recording disclosure is not said again).
	Returning bool
}

// Credentials are one account's carrier credentials; only the field of the
// carrier asked for is set.
type Credentials struct {
	OrganizationID int64
	AssistantID    int64 // set when the credentials are an assistant's own
	Twilio         *TwilioAccount
	Telnyx         *TelnyxAccount
	Vonage         *VonageAccount
	Plivo          *PlivoAccount
}

// TwilioAccount signs webhooks with AuthToken and authenticates REST calls.
type TwilioAccount struct {
	AccountSID string
	AuthToken  string
}

// TelnyxAccount: APIKey authenticates Call Control commands; PublicKey
// (base64, 32-byte Ed25519, from the portal) verifies webhooks.
type TelnyxAccount struct {
	APIKey             string
	ConnectionID       string // the Call Control application placing outbound calls
	PublicKey          string
	MessagingProfileID string // optional, for SMS
}

// VonageAccount: the application's PrivateKey (PEM, RSA) signs REST JWTs;
// SignatureSecret verifies signed webhooks.
type VonageAccount struct {
	ApplicationID   string
	PrivateKey      string
	SignatureSecret string
}

// PlivoAccount authenticates REST calls and signs webhooks (V3).
type PlivoAccount struct {
	AuthID    string
	AuthToken string
}
