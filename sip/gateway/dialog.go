package gateway

import (
	"context"
	"net"
	"net/netip"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
	"github.com/switchboard-voice/switchboard/voice"
)

// dialog is a call's SIP dialog, whichever side began it: sipgo's server
// session for the calls trunks send, its client session for the calls the
// engine places.
type dialog interface {
	Bye(ctx context.Context) error
	Do(ctx context.Context, req *sip.Request) (*sip.Response, error)
	ReadBye(req *sip.Request, tx sip.ServerTransaction) error
	ReadRequest(req *sip.Request, tx sip.ServerTransaction) error
}

// newLeg starts a call's RTP session with the far end's description
// (the offer of a call that came in, the answer to one the engine placed)
// and the codec chosen from it; the caller sets the leg's dialog.
func (g *Gateway) newLeg(id string, far *sdp.Offer, pt uint8, alaw bool, rtpConn, rtcpConn net.PacketConn) *leg {
	format := voice.Telephony
	if alaw {
		format = voice.Format{Encoding: voice.ALaw, SampleRate: 8000}
	}
	l := &leg{g: g, format: format, payload: pt, offer: far, ended: make(chan struct{}), acked: make(chan struct{}),
		refreshes: make(chan struct{}, 1), referOutcome: make(chan int, 4)}
	l.log = g.log.With("call_sid", id)
	remote := netip.AddrPortFrom(far.Addr, uint16(far.Port))
	l.media = media.Start(media.Config{RTP: rtpConn, RTCP: rtcpConn, Remote: remote, Payload: pt, EventType: far.EventType,
		Silence: format.Silence(), Events: l, Log: l.log, IdleTimeout: g.cfg.MediaTimeout, Timings: g.cfg.Timings})
	l.media.Update(remote, far.Direction.Receives() && far.Port != 0, far.Direction.Sends())
	return l
}

// startCall runs the call actor on an established leg (added to the
// gateway's legs), hanging up when it does not start.
func (g *Gateway) startCall(l *leg, spec call.Spec) {
	close(l.acked)
	l.info = spec.CallInfo
	c, err := g.cfg.Calls.Start(context.Background(), withLine(spec, l))
	if err != nil {
		l.log.Warn("call not started", "err", err)
		_ = l.HangUp(context.Background())
		g.remove(l)
		return
	}
	l.call = c
	go l.run()
}
