package telnyx

import (
	"context"
	"errors"
	"fmt"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

const (
	authHeader  = "x-telnyx-streaming-auth-token"
	startFrames = 4
)

var errStart = errors.New("telnyx: stream start refused")

// stream runs a Telnyx media websocket.
func (g *Gateway) stream(conn *fws.Conn) {
	ticket := telephony.StreamTicket(conn)
	s := g.cfg.Hub.Accept(conn.Conn, g.cfg.Stream)
	if s == nil {
		return
	}
	defer s.Release()
	st, err := awaitStart(s)
	if err != nil {
		s.Log().Warn("media stream did not start", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), webhookTimeout)
	defer cancel()
	spec, ctl, err := g.admit(ctx, ticket, st)
	if err != nil {
		s.Log().Warn("media stream refused", "call_sid", st.CallControlID, "err", err)
		return
	}
	s.Run(ctx, g.cfg.Calls, spec, telephony.Wire{Format: voice.Telephony, Encoder: encoder{}, Control: ctl}, &decoder{log: s.Log()})
}

func awaitStart(s *telephony.Stream) (*Start, error) {
	var sc telephony.Scanner
	for range startFrames {
		mt, msg, err := s.Read(0)
		if err != nil {
			return nil, err
		}
		if mt != websocket.TextMessage {
			return nil, fmt.Errorf("%w: binary message", telephony.ErrMalformed)
		}
		f := frame{start: &Start{}}
		if err := scanFrame(&sc, msg, &f); err != nil {
			return nil, err
		}
		switch string(f.event) {
		case "connected":
			continue
		case "start":
			st := f.start
			if st.CallControlID == "" {
				return nil, fmt.Errorf("%w: start without a call control id", telephony.ErrMalformed)
			}
			if st.Encoding != "PCMU" || st.SampleRate != 8000 || (st.Channels != 0 && st.Channels != 1) {
				return nil, fmt.Errorf("%w: media format %s/%d/%d", errStart, st.Encoding, st.SampleRate, st.Channels)
			}
			return st, nil
		default:
			return nil, fmt.Errorf("%w: %q before start", errStart, f.event)
		}
	}
	return nil, fmt.Errorf("%w: no start", errStart)
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
