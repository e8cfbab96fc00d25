package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/voice"
)

// bridgePhase is where a leg stands with a transfer's second leg.
type bridgePhase uint8

const (
	unbridged bridgePhase = iota // the assistant has the call
	bridged                      // the call is relayed to a second leg
	callOver                     // the call ended unbridged: no bridge may begin
)

// bridgeTo is a cold transfer the trunk would not take by REFER: a second
// leg to number through the outbound trunk of the call's number (its
// digest, the caller's number presented, else the trunk's caller ID), and
// once answered the two legs' media relayed to each other, each stream
// with its own SSRC, sequence and timestamps, keys re-sent as
// telephone-events. The assistant leaves the call (it ends transferred);
// the bridge lasts until either far end hangs up (run).
func (l *leg) bridgeTo(ctx context.Context, number string) error {
	g := l.g
	ours, party := l.info.To, l.info.From
	if l.info.Direction == telephony.Outbound {
		ours, party = l.info.From, l.info.To
	}
	trunk, err := g.cfg.Trunks.OutboundSIPTrunk(ctx, l.info.OrganizationID, ours)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return fmt.Errorf("sip: no second leg to bridge: %w", ErrNoTrunk)
	case err != nil:
		return fmt.Errorf("sip: second leg: %w", err)
	}
	p, err := g.placing(trunk, telephony.Dial{OrganizationID: l.info.OrganizationID, From: ours, To: number})
	if err != nil {
		return err
	}
	if party != "" {
		p.caller = party
	}
	p.ring, p.log = g.cfg.TransferWait, l.log.With("transfer_sid", p.id, "trunk_id", trunk.ID)
	if dl, ok := ctx.Deadline(); ok { // the transfer's own bound, when shorter
		p.ring = min(p.ring, time.Until(dl))
	}
	if p.rtp, p.rtcp, err = media.Listen(g.cfg.MediaAddr); err != nil {
		return err
	}
	sess, status, why, err := p.place()
	if sess == nil {
		p.failed(status, why, err)
		return fmt.Errorf("sip: transfer leg %s: %s", status, why)
	}
	b, err := p.leg(sess)
	if err != nil {
		p.failed(telephony.StatusFailed, "not established", err)
		return fmt.Errorf("sip: transfer leg: %w", err)
	}
	if !g.add(b) {
		b.media.Close()
		p.hangUp(sess)
		return telephony.ErrDraining
	}
	if !l.link(b) {
		l.unbridge(b)
		return errors.New("sip: the call ended while the transfer leg rang")
	}
	p.log.Info("SIP transfer bridged: the trunk refused REFER")
	return nil
}

// link makes b the leg l's media is relayed to and from, unless l's call
// is over.
func (l *leg) link(b *leg) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.phase == callOver {
		return false
	}
	l.phase = bridged
	b.peer.Store(l)
	l.peer.Store(b)
	return true
}

// bridged is the leg l is bridged to once its call ended, nil when none
// (and none may be from now on).
func (l *leg) bridged() *leg {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.phase == bridged {
		return l.peer.Load()
	}
	l.phase = callOver
	return nil
}

// unbridge ends both legs (a BYE to whichever did not hang up itself).
func (l *leg) unbridge(b *leg) {
	for _, x := range []*leg{l, b} {
		ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
		if err := x.HangUp(ctx); err != nil {
			x.log.Info("BYE not acknowledged", "err", err)
		}
		cancel()
	}
	l.g.remove(b)
}

// relay sends a frame of l's far end to the peer's.
func (l *leg) relay(peer *leg, frame []byte) {
	if l.format.Encoding != peer.format.Encoding {
		frame = transcode(frame, l.format.Encoding)
	}
	_ = peer.media.SendAudio(frame) // a full queue drops the frame, as the pacer would skip it late
}

// transcode converts a G.711 frame in encoding from to the other law
// (legs whose trunks chose different codecs), each sample to the level
// nearest its value.
func transcode(frame []byte, from voice.Encoding) []byte {
	pcm := make([]int16, 0, len(frame))
	if from == voice.ALaw {
		return codecs.EncodeUlaw(make([]byte, 0, len(frame)), codecs.DecodeAlaw(pcm, frame))
	}
	return codecs.EncodeAlaw(make([]byte, 0, len(frame)), codecs.DecodeUlaw(pcm, frame))
}

// hangUpBridged ends a bridged leg whose media stopped: its BYE ends the
// bridge (run).
func (l *leg) hangUpBridged() {
	l.log.Warn("no RTP on a bridged leg: hanging up", "timeout", l.g.cfg.MediaTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	if err := l.HangUp(ctx); err != nil {
		l.log.Info("BYE not acknowledged", "err", err)
	}
}
