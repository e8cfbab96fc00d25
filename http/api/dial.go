package api

import (
	"context"
	"errors"
	"time"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/persistence"
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
	Carrier string // twilio, telnyx, vonage, plivo
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
