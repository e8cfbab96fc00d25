package telephony

import (
	"context"
	"time"
)

// placeTTL covers an outbound call's ringing: its ticket is used when the
// callee answers.
const placeTTL = 10 * time.Minute

// PlaceTicket routes an outbound call, which accept vets (the carrier's
// credentials), and seals the ticket that names its assistant to the
// engine once the callee answers.
func PlaceTicket(ctx context.Context, dir Directory, tickets *Tickets, carrier string, d Dial, accept func(*Route) error) (*Route, string, error) {
	route, err := Resolve(ctx, dir, Lookup{Carrier: carrier, Number: d.From, Caller: d.To,
		OrganizationID: d.OrganizationID, AssistantID: d.AssistantID})
	if err != nil {
		return nil, "", err
	}
	if err := accept(route); err != nil {
		return nil, "", err
	}
	ticket, err := tickets.Seal(Ticket{Carrier: carrier, OrganizationID: route.OrganizationID,
		AssistantID: route.AssistantID, From: d.From, To: d.To, Direction: Outbound, Dial: d.ID,
		Expires: tickets.Now().Add(placeTTL)})
	if err != nil {
		return nil, "", err
	}
	return route, ticket, nil
}
