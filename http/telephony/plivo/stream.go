package plivo

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

const startFrames = 4

var errStart = errors.New("plivo: stream start refused")

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
		s.Log().Warn("media stream refused", "call_sid", st.CallID, "err", err)
		return
	}
	enc := &encoder{sid: telephony.AppendJSONString(nil, st.StreamID)}
	s.Run(ctx, g.cfg.Calls, spec, telephony.Wire{Format: voice.Telephony, Encoder: enc, Control: ctl}, &decoder{})
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
		if string(f.event) != "start" {
			continue
		}
		st := f.start
		if st.CallID == "" || st.StreamID == "" {
			return nil, fmt.Errorf("%w: start without call or stream id", telephony.ErrMalformed)
		}
		if st.Encoding != "audio/x-mulaw" || st.SampleRate != 8000 {
			return nil, fmt.Errorf("%w: media format %s/%d", errStart, st.Encoding, st.SampleRate)
		}
		return st, nil
	}
	return nil, fmt.Errorf("%w: no start", errStart)
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
