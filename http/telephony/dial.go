package telephony

import "context"

// Dial asks a carrier to place a call that the engine answers with an
// assistant once the other party picks up.
type Dial struct {
	OrganizationID, AssistantID int64
	From                        string // one of the organization's numbers on the carrier (E.164)
	To                          string // who to call (E.164)
	// ID names the dial's call-time variables (Directory.Variables), ""
	// for none; the call's tickets carry it.
	ID string
}

// Dialer places outbound calls; it returns the carrier's call id. The call
// reaches the engine's media stream when it is answered.
type Dialer interface {
	Place(ctx context.Context, d Dial) (string, error)
}
