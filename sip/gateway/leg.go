package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
	"github.com/switchboard-voice/switchboard/voice"
)

// byeTimeout bounds our BYE's transaction.
const byeTimeout = 10 * time.Second

// leg is one SIP call: its dialog, its RTP session and its call actor. It
// is the call's voice.Carrier.
type leg struct {
	g       *Gateway
	log     *slog.Logger
	dialog  dialog
	id      string             // the dialog's id as the far end's requests name it (g.legs)
	target  sip.Uri            // where requests in the dialog go: the far end's Contact
	contact *sip.ContactHeader // ours, for the dialog's transport
	trunk   sip.Uri            // the trunk's host and port, where transfer targets are reached
	ours    sip.Uri            // our party: the number dialled (inbound), the caller ID (outbound)
	media   *media.Session
	call    *call.Call
	info    voice.CallInfo            // the call's, once it started
	live    atomic.Pointer[call.Call] // set once the call started: media events go to it
	peer    atomic.Pointer[leg]       // set once bridged (bridge.go): media events are relayed to it
	format  voice.Format
	payload uint8
	acked   chan struct{}

	mu     sync.Mutex
	offer  *sdp.Offer
	answer sdp.Answer
	phase  bridgePhase

	endOnce sync.Once
	ended   chan struct{} // the dialog ended, by either side's BYE

	// session timer (RFC 4028)
	expires      time.Duration
	weRefresh    bool
	refreshes    chan struct{}
	referOutcome chan int
}

func withLine(spec call.Spec, l *leg) call.Spec {
	spec.Line = l
	return spec
}

// run follows the call until it ends, then makes sure the far end knows;
// a call bridged to a transfer's leg is followed until either leg ends.
func (l *leg) run() {
	defer l.g.remove(l)
	l.live.Store(l.call)
	var expiry *time.Timer
	var expired <-chan time.Time
	var refresh <-chan time.Time
	if l.expires > 0 {
		if l.weRefresh {
			t := time.NewTicker(l.expires / 2)
			defer t.Stop()
			refresh = t.C
		} else {
			expiry = time.NewTimer(l.expires)
			defer expiry.Stop()
			expired = expiry.C
		}
	}
	done := l.call.Done()
	var peer *leg
	var ended, peerEnded, closing <-chan struct{} // set once bridged
	for {
		select {
		case <-done: // a transfer's outcome is known by now
			if peer = l.bridged(); peer != nil {
				done, ended, peerEnded, closing = nil, l.ended, peer.ended, l.g.out.ctx.Done()
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
			if err := l.HangUp(ctx); err != nil {
				l.log.Info("BYE not acknowledged", "err", err)
			}
			cancel()
			return
		case <-ended:
			l.unbridge(peer)
			return
		case <-peerEnded:
			l.unbridge(peer)
			return
		case <-closing:
			l.unbridge(peer)
			return
		case <-l.refreshes:
			if expiry != nil {
				expiry.Reset(l.expires)
			}
		case <-expired:
			l.log.Warn("SIP session expired: the far end stopped refreshing it; hanging up")
			if peer != nil {
				l.unbridge(peer)
				return
			}
			l.call.Stopped()
		case <-refresh:
			if l.sendRefresh() {
				continue
			}
			l.log.Warn("SIP session refresh failed: hanging up")
			if peer != nil {
				l.unbridge(peer)
				return
			}
			l.call.Stopped()
		}
	}
}

// remoteBye is the far end hanging up.
func (l *leg) remoteBye() {
	l.endOnce.Do(func() { close(l.ended) })
	if c := l.live.Load(); c != nil {
		c.Stopped()
	}
}

// Format implements voice.Carrier.
func (l *leg) Format() voice.Format { return l.format }

// SendAudio implements voice.Carrier.
func (l *leg) SendAudio(frame []byte) error { return l.media.SendAudio(frame) }

// SendAudioSince is SendAudio timed from since to its packet sent: the
// engine's overhead up to the wire (the call actor's timedLine).
func (l *leg) SendAudioSince(frame []byte, since mono.Time) error {
	return l.media.SendAudioSince(frame, since)
}

// ClearSince is Clear timed from since (the call actor's timedLine).
func (l *leg) ClearSince(since mono.Time) error { return l.media.ClearSince(since) }

// SendMark implements voice.Carrier.
func (l *leg) SendMark(name string) error { return l.media.SendMark(name) }

// Clear implements voice.Carrier.
func (l *leg) Clear() error { return l.media.Clear() }

// SendDTMF implements voice.Carrier, as RFC 4733 telephone-events.
func (l *leg) SendDTMF(digits string) error {
	if err := l.media.SendDTMF(digits); err != nil {
		return fmt.Errorf("sip: %w: %w", telephony.ErrUnsupported, err)
	}
	return nil
}

// HangUp implements voice.Carrier: a BYE, once.
func (l *leg) HangUp(ctx context.Context) error {
	var err error
	l.endOnce.Do(func() {
		defer close(l.ended)
		err = l.dialog.Bye(ctx)
	})
	return err
}

// Transfer implements voice.Carrier: a cold transfer by REFER (RFC 3515)
// to the number at the trunk that sent the call, referred by the number
// it dialled. It returns once the trunk reported the transfer target's
// answer (or its failure). A trunk refusing the REFER gets a second leg
// to the number instead, bridged to this one (bridgeTo). A warm transfer
// is made cold, as on Telnyx.
func (l *leg) Transfer(ctx context.Context, req voice.TransferRequest) error {
	if req.Warm {
		l.log.Warn("warm transfers are not supported on SIP trunks: transferring cold")
	}
	target := sip.Uri{User: req.To, Host: l.trunk.Host, Port: l.trunk.Port}
	refer := sip.NewRequest(sip.REFER, l.target)
	refer.AppendHeader(sip.NewHeader("Refer-To", "<"+target.String()+">"))
	refer.AppendHeader(sip.NewHeader("Referred-By", "<"+l.ours.String()+">"))
	refer.AppendHeader(l.contact)
	res, err := l.dialog.Do(ctx, refer)
	if err != nil {
		return fmt.Errorf("sip: REFER: %w", err)
	}
	if !res.IsSuccess() {
		// 405, 501, 403: the trunk takes no transfers. When the second
		// leg fails too, the caller is hung up on, as a carrier whose
		// transfer API failed does.
		l.log.Warn("SIP transfer refused by the trunk: placing a second leg to bridge", "code", res.StatusCode, "reason", res.Reason)
		if err := l.bridgeTo(ctx, req.To); err != nil {
			l.log.Warn("SIP transfer failed: no second leg; hanging up", "err", err)
			return fmt.Errorf("sip: REFER refused (%d %s), %w", res.StatusCode, res.Reason, err)
		}
		return nil
	}
	wait := time.NewTimer(l.g.cfg.TransferWait)
	defer wait.Stop()
	for {
		select {
		case code := <-l.referOutcome:
			switch {
			case code < 200:
				continue
			case code < 300:
				return nil
			default:
				l.log.Warn("SIP transfer failed: the target did not answer; hanging up", "code", code)
				return fmt.Errorf("sip: transfer failed: %d", code)
			}
		case <-l.ended:
			return nil // the trunk hung up on us: it took the call
		case <-wait.C:
			return errors.New("sip: no outcome of the REFER in time")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// referNotified reads a NOTIFY's message/sipfrag body ("SIP/2.0 200 OK").
func (l *leg) referNotified(body []byte) {
	f := strings.Fields(string(body))
	if len(f) < 2 || !strings.HasPrefix(f[0], "SIP/") {
		return
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		return
	}
	select {
	case l.referOutcome <- code:
	default:
	}
}

// Audio implements media.Events.
func (l *leg) Audio(frame []byte) {
	if p := l.peer.Load(); p != nil {
		l.relay(p, frame)
		return
	}
	if c := l.live.Load(); c != nil {
		c.Audio(frame)
	}
}

// DTMF implements media.Events.
func (l *leg) DTMF(digit string) { l.dtmf(digit) }

func (l *leg) dtmf(digit string) {
	if p := l.peer.Load(); p != nil {
		_ = p.media.SendDTMF(digit) // a far end taking no telephone-events hears no key
		return
	}
	if c := l.live.Load(); c != nil {
		c.DTMF(digit)
	}
}

// Mark implements media.Events.
func (l *leg) Mark(name string) {
	if c := l.live.Load(); c != nil {
		c.Mark(name)
	}
}

// Idle implements media.Events: the caller's media stopped.
func (l *leg) Idle() {
	if l.peer.Load() != nil {
		l.hangUpBridged()
		return
	}
	l.log.Warn("no RTP from the caller: hanging up", "timeout", l.g.cfg.MediaTimeout)
	if c := l.live.Load(); c != nil {
		c.Stopped()
	}
}

// sessionTimer reads an INVITE's Session-Expires (RFC 4028): with the
// caller's support for timers it refreshes, else the engine does.
func (l *leg) sessionTimer(req *sip.Request) {
	h := req.GetHeader("Session-Expires")
	if h == nil {
		return
	}
	val, params, _ := strings.Cut(h.Value(), ";")
	secs, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil || secs <= 0 {
		return
	}
	l.expires = max(time.Duration(secs)*time.Second, l.g.cfg.MinSessionExpires)
	supported := false
	if s := req.GetHeader("Supported"); s != nil && strings.Contains(s.Value(), "timer") {
		supported = true
	}
	l.weRefresh = !supported || strings.Contains(params, "refresher=uas")
}

// sessionTimerHeaders adds the session timer to a 2xx answer.
func (l *leg) sessionTimerHeaders(res *sip.Response) {
	if l.expires == 0 {
		return
	}
	who := "uac"
	if l.weRefresh {
		who = "uas"
	}
	res.AppendHeader(sip.NewHeader("Session-Expires", fmt.Sprintf("%d;refresher=%s", int(l.expires.Seconds()), who)))
	if !l.weRefresh {
		res.AppendHeader(sip.NewHeader("Require", "timer"))
	}
}

// refreshed notes a refresh of the session by the far end.
func (l *leg) refreshed(*sip.Request) {
	select {
	case l.refreshes <- struct{}{}:
	default:
	}
}

// sendRefresh refreshes the session with an UPDATE (RFC 4028 §7.4),
// reporting whether the far end kept it.
func (l *leg) sendRefresh() bool {
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	up := sip.NewRequest(sip.UPDATE, l.target)
	up.AppendHeader(sip.NewHeader("Session-Expires", fmt.Sprintf("%d;refresher=uas", int(l.expires.Seconds()))))
	up.AppendHeader(l.contact)
	res, err := l.dialog.Do(ctx, up)
	if err != nil {
		l.log.Info("SIP session refresh not answered", "err", err)
		return false
	}
	return res.IsSuccess() || res.StatusCode == 405 || res.StatusCode == 501
}
