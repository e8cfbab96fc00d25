package vonage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

var errStart = errors.New("vonage: stream start refused")

func (g *Gateway) stream(conn *fws.Conn) {
	ticket := telephony.StreamTicket(conn)
	telephony.RunStream(g.cfg.Deps, conn.Conn, g.cfg.Stream, telephony.Opening[struct{}]{
		Await: func(s *telephony.Stream) (struct{}, error) { return struct{}{}, awaitConnected(s) },
		Admit: func(ctx context.Context, _ *telephony.Stream, _ struct{}) (telephony.Admission, error) {
			spec, ctl, err := g.admit(ctx, ticket)
			return telephony.Admission{Spec: spec, Wire: telephony.Wire{Format: Format, Encoder: encoder{}, Control: ctl},
				Decoder: &decoder{}}, err
		},
		Timeout: webhookTimeout,
	})
}

// awaitConnected reads websocket:connected and checks its audio format.
func awaitConnected(s *telephony.Stream) error {
	mt, msg, err := s.Read(0)
	if err != nil {
		return err
	}
	if mt != websocket.TextMessage {
		return fmt.Errorf("%w: audio before websocket:connected", errStart)
	}
	var sc telephony.Scanner
	var f frame
	if err := scanFrame(&sc, msg, &f); err != nil {
		return err
	}
	if string(f.event) != "websocket:connected" {
		return fmt.Errorf("%w: %q first", errStart, f.event)
	}
	if !strings.EqualFold(strings.ReplaceAll(string(f.format), " ", ""), contentType) {
		return fmt.Errorf("%w: content-type %q", errStart, f.format)
	}
	return nil
}

func (g *Gateway) admit(ctx context.Context, ticket string) (call.Spec, *control, error) {
	tk, err := g.cfg.Tickets.Redeem(ticket)
	if err != nil {
		return call.Spec{}, nil, err
	}
	if tk.CallID == "" {
		return call.Spec{}, nil, fmt.Errorf("%w: no call", telephony.ErrBadTicket)
	}
	q := telephony.TicketLookup(telephony.Vonage, tk)
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.cfg.Log, q, telephony.TicketInfo(telephony.Vonage, tk.CallID, tk), hasAccount)
	if err != nil {
		return call.Spec{}, nil, err
	}
	return spec, &control{g: g, acct: *route.Credentials.Vonage, uuid: tk.CallID, from: q.Number}, nil
}

// hasAccount refuses a route without the Vonage application the call
// needs.
func hasAccount(r *telephony.Route) error {
	if r.Credentials.Vonage == nil {
		return telephony.ErrNoCredentials
	}
	return nil
}
