package telnyx

import (
	"context"
	"errors"
	"fmt"

	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

const authHeader = "x-telnyx-streaming-auth-token"

var errStart = errors.New("telnyx: stream start refused")

// stream runs a Telnyx media websocket.
func (g *Gateway) stream(conn *fws.Conn) {
	ticket := telephony.StreamTicket(conn)
	telephony.RunStream(g.cfg.Deps, conn.Conn, g.cfg.Stream, telephony.Opening[*Start]{
		Await: awaitStart,
		Admit: func(ctx context.Context, s *telephony.Stream, st *Start) (telephony.Admission, error) {
			spec, ctl, err := g.admit(ctx, ticket, st)
			return telephony.Admission{Spec: spec, Wire: telephony.Wire{Format: voice.Telephony, Encoder: encoder{}, Control: ctl},
				Decoder: &decoder{log: s.Log()}}, err
		},
		CallID:  func(st *Start) string { return st.CallControlID },
		Timeout: webhookTimeout,
	})
}

func awaitStart(s *telephony.Stream) (*Start, error) {
	return telephony.AwaitStart(s, errStart, func(sc *telephony.Scanner, msg []byte) (*Start, bool, error) {
		f := frame{start: &Start{}}
		if err := scanFrame(sc, msg, &f); err != nil {
			return nil, false, err
		}
		switch string(f.event) {
		case "connected":
			return nil, false, nil
		case "start":
			st := f.start
			if st.CallControlID == "" {
				return nil, false, fmt.Errorf("%w: start without a call control id", telephony.ErrMalformed)
			}
			if st.Encoding != "PCMU" || st.SampleRate != 8000 || (st.Channels != 0 && st.Channels != 1) {
				return nil, false, fmt.Errorf("%w: media format %s/%d/%d", errStart, st.Encoding, st.SampleRate, st.Channels)
			}
			return st, true, nil
		default:
			return nil, false, fmt.Errorf("%w: %q before start", errStart, f.event)
		}
	})
}

// admit redeems the stream's ticket (once), checks it names this call,
// and routes it.
func (g *Gateway) admit(ctx context.Context, ticket string, st *Start) (call.Spec, *control, error) {
	tk, err := g.cfg.Tickets.Redeem(ticket)
	if err != nil {
		return call.Spec{}, nil, err
	}
	// A call the engine placed got its ticket before Telnyx named it.
	if tk.CallID != "" && tk.CallID != st.CallControlID {
		return call.Spec{}, nil, fmt.Errorf("%w: ticket of another call", telephony.ErrBadTicket)
	}
	q := telephony.TicketLookup(telephony.Telnyx, tk)
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.cfg.Log, q, telephony.TicketInfo(telephony.Telnyx, st.CallControlID, tk), hasAccount)
	if err != nil {
		return call.Spec{}, nil, err
	}
	return spec, &control{g: g, acct: *route.Credentials.Telnyx, callID: st.CallControlID, from: q.Number}, nil
}

// hasAccount refuses a route without the Telnyx account the call needs.
func hasAccount(r *telephony.Route) error {
	if r.Credentials.Telnyx == nil {
		return telephony.ErrNoCredentials
	}
	return nil
}
