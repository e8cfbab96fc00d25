package telephonytest

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// CallBackGreeting is the first words of the scenarios' outbound calls.
const CallBackGreeting = "Hi, calling you back."

// Placer places outbound calls (a carrier's gateway).
type Placer interface {
	Place(ctx context.Context, d telephony.Dial) (string, error)
}

// Place has the gateway call CallerNumber from Number for assistant 1 and
// returns the carrier's id of the call and the fake's call, once placed.
func Place[C any](h *Harness, gw Placer, placed <-chan C) (string, C) {
	h.T.Helper()
	id, err := gw.Place(Ctx(h.T, 10*time.Second), telephony.Dial{OrganizationID: OrgID, AssistantID: 1, From: Number, To: CallerNumber})
	if err != nil {
		h.T.Fatal(err)
	}
	return id, <-placed
}

// AnswerOutbound hears the CallBackGreeting of an
// outbound call, checks how it started and hangs up.
func (h *Harness) AnswerOutbound(c Call) {
	h.T.Helper()
	WaitHeard(h.T, c.Phone, CallBackGreeting)
	cs := h.Events.Of(c.ID, "call-started")[0].(events.CallStarted)
	if cs.Direction != telephony.Outbound || cs.From != Number || cs.To != CallerNumber {
		h.T.Fatalf("started %+v", cs)
	}
	h.HangUp(c)
}
