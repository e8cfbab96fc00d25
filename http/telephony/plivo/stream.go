package plivo

import (
	"context"
	"errors"
	"fmt"

	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

var errStart = errors.New("plivo: stream start refused")

func (g *Gateway) stream(conn *fws.Conn) {
	ticket := telephony.StreamTicket(conn)
	telephony.RunStream(g.cfg.Deps, conn.Conn, g.cfg.Stream, telephony.Opening[*Start]{
		Await: awaitStart,
		Admit: func(ctx context.Context, _ *telephony.Stream, st *Start) (telephony.Admission, error) {
			spec, ctl, err := g.admit(ctx, ticket, st)
			enc := &encoder{sid: telephony.AppendJSONString(nil, st.StreamID)}
			return telephony.Admission{Spec: spec, Wire: telephony.Wire{Format: voice.Telephony, Encoder: enc, Control: ctl},
				Decoder: &decoder{}}, err
		},
		CallID:  func(st *Start) string { return st.CallID },
		Timeout: webhookTimeout,
	})
}

func awaitStart(s *telephony.Stream) (*Start, error) {
	return telephony.AwaitStart(s, errStart, func(sc *telephony.Scanner, msg []byte) (*Start, bool, error) {
		f := frame{start: &Start{}}
		if err := scanFrame(sc, msg, &f); err != nil {
			return nil, false, err
		}
		if string(f.event) != "start" {
			return nil, false, nil
		}
		st := f.start
		if st.CallID == "" || st.StreamID == "" {
			return nil, false, fmt.Errorf("%w: start without call or stream id", telephony.ErrMalformed)
		}
		if st.Encoding != "audio/x-mulaw" || st.SampleRate != 8000 {
			return nil, false, fmt.Errorf("%w: media format %s/%d", errStart, st.Encoding, st.SampleRate)
		}
		return st, true, nil
	})
}

func (g *Gateway) admit(ctx context.Context, ticket string, st *Start) (call.Spec, *control, error) {
	tk, err := g.cfg.Tickets.Redeem(ticket)
	if err != nil {
		return call.Spec{}, nil, err
	}
	if tk.CallID != st.CallID {
		return call.Spec{}, nil, fmt.Errorf("%w: ticket of another call", telephony.ErrBadTicket)
	}
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.cfg.Log, telephony.TicketLookup(telephony.Plivo, tk),
		telephony.TicketInfo(telephony.Plivo, st.CallID, tk), hasAccount)
	if err != nil {
		return call.Spec{}, nil, err
	}
	return spec, &control{g: g, acct: *route.Credentials.Plivo, ticket: tk}, nil
}

// hasAccount refuses a route without the Plivo account the call needs.
func hasAccount(r *telephony.Route) error {
	if r.Credentials.Plivo == nil {
		return telephony.ErrNoCredentials
	}
	return nil
}
