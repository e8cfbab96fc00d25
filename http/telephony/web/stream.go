package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

const startTimeout = 10 * time.Second

// stream runs a web call: the token is redeemed (once), the call starts
// at once.
func (g *Gateway) stream(conn *fws.Conn) {
	token, _ := conn.Locals(tokenKey).(string)
	s := g.cfg.Hub.Accept(conn.Conn, g.cfg.Stream)
	if s == nil {
		return
	}
	defer s.Release()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	spec, err := g.admit(ctx, token)
	if err != nil {
		s.Log().Warn("web call refused", "err", err)
		return
	}
	// Queued first, so it precedes the assistant's audio.
	started := fmt.Appendf(nil, `{"type":"started","call_id":%s,"encoding":"pcm16","sample_rate":%d}`,
		telephony.AppendJSONString(nil, spec.ID), Format.SampleRate)
	_ = s.Notify(websocket.TextMessage, started)
	ctl := &control{stream: s}
	s.Run(ctx, g.cfg.Calls, spec, telephony.Wire{Format: Format, Encoder: encoder{}, Control: ctl}, &decoder{})
}

func (g *Gateway) admit(ctx context.Context, token string) (call.Spec, error) {
	tk, err := g.cfg.Tickets.Redeem(token)
	if err != nil {
		return call.Spec{}, err
	}
	q := telephony.Lookup{Carrier: telephony.Web, OrganizationID: tk.OrganizationID, AssistantID: tk.AssistantID}
	_, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.cfg.Log, q,
		voice.CallInfo{ID: tk.CallID, Direction: telephony.Inbound, Carrier: telephony.Web}, nil)
	return spec, err
}

// control is a web call's control: the client is told.
type control struct{ stream *telephony.Stream }

// HangUp implements telephony.Control: the socket closes once the call
// ended, after the encoder's hangup message, so there is nothing to do.
func (c *control) HangUp(context.Context) error { return nil }

// Transfer implements telephony.Control: a browser cannot be moved to a
// phone number, so the client is told where to (it may offer to dial).
func (c *control) Transfer(_ context.Context, req voice.TransferRequest) error {
	msg := append([]byte(`{"type":"transfer","to":`), telephony.AppendJSONString(nil, req.To)...)
	return c.stream.Notify(websocket.TextMessage, append(msg, '}'))
}
