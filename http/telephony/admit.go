package telephony

import (
	"context"
	"log/slog"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/voice"
)

// Admit routes a media stream's call and prepares its spec from info,
// which names the call; accept, if set, vets the route first (the
// carrier's credentials). An earlier conversation or call-time variables
// that cannot be read are logged and left out: the call goes on without.
func Admit(ctx context.Context, dir Directory, log *slog.Logger, q Lookup, info voice.CallInfo, accept func(*Route) error) (*Route, call.Spec, error) {
	route, err := Resolve(ctx, dir, q)
	if err != nil {
		return nil, call.Spec{}, err
	}
	if accept != nil {
		if err := accept(route); err != nil {
			return nil, call.Spec{}, err
		}
	}
	history, err := dir.History(ctx, route, q)
	if err != nil {
		log.Warn("earlier conversation unavailable", "call_sid", info.ID, "err", err)
	}
	var vars map[string]string
	if q.Dial != "" {
		if vars, err = dir.Variables(ctx, route, q); err != nil {
			log.Warn("call-time variables unavailable", "call_sid", info.ID, "err", err)
		}
	}
	info.OrganizationID, info.AssistantID = route.OrganizationID, route.AssistantID
	return route, call.Spec{CallInfo: info, Snapshot: route.Snapshot, History: history, Returning: route.Returning,
		Variables: vars}, nil
}

// TicketInfo names a carrier's call from its stream ticket.
func TicketInfo(carrier, callID string, tk Ticket) voice.CallInfo {
	return voice.CallInfo{ID: callID, From: tk.From, To: tk.To, Direction: tk.Direction, Carrier: carrier}
}
