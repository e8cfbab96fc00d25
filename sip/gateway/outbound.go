package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
	"github.com/switchboard-voice/switchboard/voice"
)

// ErrNoTrunk is a call from a SIP number none of whose organization's
// active trunks has an outbound address.
var ErrNoTrunk = errors.New("sip: no active SIP trunk of the number has an outbound_address")

// dialing is the gateway's calls being placed: Close cancels them.
type dialing struct {
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// placing is one call the engine places through a trunk, until it is
// answered (then it is a leg) or fails.
type placing struct {
	g         *Gateway
	id        string // the Call-ID: the call's SID
	dial      telephony.Dial
	spec      call.Spec
	ring      time.Duration
	host      string
	port      int
	transport string // "UDP", "TCP" or "TLS"
	caller    string // the caller ID presented
	user      string
	password  string
	rtp, rtcp net.PacketConn
	log       *slog.Logger
	record    telephony.StatusRecorder // the call's progress; nil for a transfer's leg
}

// Prepare readies a call from d.From, a SIP number, to d.To through the
// number's trunk, and returns its SID (the INVITE's Call-ID) and ring,
// which sends the INVITE: the API records the call as placed before, so
// that its progress (ringing, busy, no-answer, failed) applies to it. A
// number without an outbound trunk is ErrNoTrunk.
func (g *Gateway) Prepare(ctx context.Context, d telephony.Dial) (string, func(), error) {
	g.mu.Lock()
	draining := g.draining
	g.mu.Unlock()
	if draining {
		return "", nil, telephony.ErrDraining
	}
	trunk, err := g.cfg.Trunks.OutboundSIPTrunk(ctx, d.OrganizationID, d.From)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return "", nil, ErrNoTrunk
	case err != nil:
		return "", nil, err
	}
	p, err := g.placing(trunk, d)
	if err != nil {
		return "", nil, err
	}
	p.record = g.cfg.Status
	info := voice.CallInfo{ID: p.id, From: d.From, To: d.To, Direction: telephony.Outbound, Carrier: Carrier}
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.log, telephony.Lookup{Carrier: Carrier, Number: d.From, Caller: d.To,
		OrganizationID: d.OrganizationID, AssistantID: d.AssistantID, Dial: d.ID}, info, nil)
	if err != nil {
		return "", nil, err
	}
	p.spec, p.ring = spec, time.Duration(max(route.Snapshot.Config.CallFlowSettings.RingingTimeoutSeconds, 1))*time.Second
	if p.rtp, p.rtcp, err = media.Listen(g.cfg.MediaAddr); err != nil {
		return "", nil, err
	}
	p.log = g.log.With("call_sid", p.id, "trunk_id", trunk.ID)
	var once sync.Once
	return p.id, func() { once.Do(p.start) }, nil
}

// start sends the INVITE, unless the engine began closing meanwhile.
func (p *placing) start() {
	g := p.g
	g.mu.Lock()
	if g.draining {
		g.mu.Unlock()
		p.failed(telephony.StatusCanceled, "the engine is closing", nil)
		return
	}
	g.out.wg.Add(1) // under g.mu: Close waits only once draining is set
	g.mu.Unlock()
	go p.run()
}

// placing is a call from d.From to d.To through trunk: its address,
// transport, credentials and caller ID (the trunk's, else d.From).
func (g *Gateway) placing(trunk persistence.SIPTrunk, d telephony.Dial) (*placing, error) {
	p := &placing{g: g, id: newCallID(), dial: d, caller: d.From, transport: strings.ToUpper(trunk.OutboundTransport)}
	var err error
	if p.host, p.port, err = TrunkAddress(*trunk.OutboundAddress); err != nil {
		return nil, fmt.Errorf("sip: trunk %d: %w", trunk.ID, err)
	}
	switch p.transport {
	case "UDP", "TCP":
	case "TLS":
		if g.tls == nil {
			return nil, fmt.Errorf("sip: trunk %d: %w", trunk.ID, ErrNoTLS)
		}
	default:
		return nil, fmt.Errorf("sip: trunk %d: transport %q: %w", trunk.ID, trunk.OutboundTransport, telephony.ErrUnsupported)
	}
	if trunk.CallerID != nil {
		p.caller = *trunk.CallerID
	}
	if trunk.OutboundUsername != nil {
		p.user = *trunk.OutboundUsername
		if p.password, err = g.cfg.Opener.Open(*trunk.OutboundPassword); err != nil {
			return nil, fmt.Errorf("sip: trunk %d's outbound password: %w", trunk.ID, err)
		}
	}
	return p, nil
}

func newCallID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// invite is the INVITE: to the number at the trunk, from the caller ID,
// offering G.711 and telephone-events.
func (p *placing) invite() *sip.Request {
	g := p.g
	to := sip.Uri{User: p.dial.To, Host: p.host, Port: p.port}
	if p.transport == "TLS" {
		to.UriParams = sip.NewParams()
		to.UriParams.Add("transport", "tls")
	}
	req := sip.NewRequest(sip.INVITE, to)
	req.SetTransport(p.transport)
	if p.transport == "UDP" { // from the listening port, where the trunk's answers and requests come back
		ua := g.udp.LocalAddr().(*net.UDPAddr)
		req.Laddr = sip.Addr{IP: ua.IP, Port: ua.Port}
	}
	// The trunk's requests in the dialog come back over the same transport.
	req.AppendHeader(g.contactFor(p.transport).Clone()) // the request's own: sipgo may edit its headers
	from := sip.Uri{User: p.caller, Host: p.host}
	tag := sip.NewParams()
	tag.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(&sip.FromHeader{Address: from, Params: tag})
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{User: p.dial.To, Host: p.host}, Params: sip.NewParams()})
	callID := sip.CallIDHeader(p.id)
	req.AppendHeader(&callID)
	req.AppendHeader(sip.NewHeader("P-Asserted-Identity", "<"+from.String()+">"))
	req.AppendHeader(sip.NewHeader("Allow", allow))
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(sdp.NewOffer(uint64(time.Now().UnixNano()), g.cfg.MediaAddr, p.rtp.LocalAddr().(*net.UDPAddr).Port))
	return req
}

// run sends the INVITE and follows it to its outcome: a call on the
// assistant once answered, else the call's final status.
func (p *placing) run() {
	defer p.g.out.wg.Done()
	sess, status, why, err := p.place()
	if sess == nil {
		p.failed(status, why, err)
		return
	}
	p.answered(sess)
}

// place sends the INVITE and waits for its answer: the answered dialog,
// else the call's final status, why, and the error if any.
//
// The ringing timeout and Close send the CANCEL here, not through sipgo's
// WaitAnswer, whose CANCEL fails on a transaction ended without an
// answer: WaitAnswer is only ever stopped by force.
func (p *placing) place() (*sipgo.DialogClientSession, string, string, error) {
	waiting, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	dua := sipgo.DialogUA{Client: p.g.client, ContactHDR: *p.g.contactFor(p.transport)}
	sess, err := dua.WriteInvite(waiting, p.invite())
	if err != nil {
		return nil, telephony.StatusFailed, "INVITE not sent", err
	}
	var cancelReq atomic.Pointer[sip.Request]
	var rang atomic.Bool
	answer := make(chan error, 1)
	go func() {
		answer <- sess.WaitAnswer(waiting, sipgo.AnswerOptions{Username: p.user, Password: p.password, OnResponse: func(res *sip.Response) error {
			if res.IsProvisional() { // a CANCEL may follow (RFC 3261 §9.1); for the INVITE sent last
				cancelReq.Store(cancelOf(sess.InviteRequest))
			}
			if (res.StatusCode == 180 || res.StatusCode == 183) && !rang.Swap(true) {
				p.status(telephony.StatusRinging)
			}
			return nil
		}})
	}()
	timer := time.NewTimer(p.ring)
	defer timer.Stop()
	gaveUp := ""
	select {
	case err = <-answer:
	case <-timer.C:
		gaveUp = telephony.StatusNoAnswer
	case <-p.g.out.ctx.Done():
		gaveUp = telephony.StatusCanceled
	}
	if gaveUp != "" {
		if last := p.cancel(cancelReq.Load(), stop); last != nil {
			defer last.Stop()
		}
		err = <-answer
	}
	var refused *sipgo.ErrDialogResponse
	switch {
	case err == nil && gaveUp != "": // the 2xx crossed our CANCEL: take the call, then leave it
		ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
		_ = sess.Ack(ctx)
		cancel()
		p.hangUp(sess)
		return nil, gaveUp, "answered as it was cancelled", nil
	case err == nil:
		return sess, "", "", nil
	case gaveUp != "":
		return nil, gaveUp, "not answered in time", nil
	case errors.As(err, &refused):
		return nil, outcome(refused.Res.StatusCode), fmt.Sprintf("%d %s", refused.Res.StatusCode, refused.Res.Reason), nil
	default:
		return nil, telephony.StatusFailed, "no answer from the trunk", err
	}
}

// cancel sends the CANCEL of an INVITE that had a provisional answer and
// leaves WaitAnswer its 64×T1 for the final one (487, or a 2xx that
// crossed it), returning the timer that stops it then; without a
// provisional answer, it stops WaitAnswer at once.
func (p *placing) cancel(req *sip.Request, stop context.CancelCauseFunc) *time.Timer {
	if req == nil {
		stop(sipgo.WaitAnswerForceCancelErr)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	tx, err := p.g.client.TransactionRequest(ctx, req)
	if err != nil {
		p.log.Info("CANCEL not sent", "err", err)
		stop(sipgo.WaitAnswerForceCancelErr)
		return nil
	}
	defer tx.Terminate()
	select {
	case <-tx.Responses():
	case <-tx.Done():
	case <-ctx.Done():
	}
	return time.AfterFunc(64*sip.T1, func() { stop(sipgo.WaitAnswerForceCancelErr) })
}

// cancelOf is the CANCEL of an INVITE (RFC 3261 §9.1): its top Via,
// From, To, Call-ID, CSeq number and Route.
func cancelOf(inv *sip.Request) *sip.Request {
	c := sip.NewRequest(sip.CANCEL, inv.Recipient)
	c.AppendHeader(sip.HeaderClone(inv.Via()))
	c.AppendHeader(sip.HeaderClone(inv.From()))
	c.AppendHeader(sip.HeaderClone(inv.To()))
	c.AppendHeader(sip.HeaderClone(inv.CallID()))
	c.AppendHeader(&sip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: sip.CANCEL})
	maxForwards := sip.MaxForwardsHeader(70)
	c.AppendHeader(&maxForwards)
	sip.CopyHeaders("Route", inv, c)
	c.SetTransport(inv.Transport())
	c.SetBody(nil)
	c.Laddr = inv.Laddr
	return c
}

// outcome is the status of a call the INVITE's final failure ended:
// busy (486 Busy Here, 600 Busy Everywhere, 603 Decline), no-answer (408
// Request Timeout, 480 Temporarily Unavailable, 487 after a CANCEL), or
// failed (any other: refused credentials, an unknown number, a
// server's error).
func outcome(code int) string {
	switch code {
	case 486, 600, 603:
		return telephony.StatusBusy
	case 408, 480, 487:
		return telephony.StatusNoAnswer
	}
	return telephony.StatusFailed
}

// answered acknowledges the 2xx and runs the call on the answer's media.
func (p *placing) answered(sess *sipgo.DialogClientSession) {
	g := p.g
	l, err := p.leg(sess)
	if err != nil {
		p.failed(telephony.StatusFailed, "not established", err)
		return
	}
	// No session timer: the engine does not offer one (Supported: timer),
	// so a trunk wanting one refreshes it itself (RFC 4028 §9), with
	// re-INVITEs the leg answers.
	if !g.add(l) {
		l.media.Close()
		p.hangUp(sess)
		p.log.Info("SIP call answered while the engine closes: hung up")
		return
	}
	p.log.Info("SIP call answered", "codec", l.format.Encoding)
	g.startCall(l, p.spec)
}

// leg acknowledges the 2xx and makes the answered dialog a leg on the
// answer's media, hanging up when its SDP is unusable.
func (p *placing) leg(sess *sipgo.DialogClientSession) (*leg, error) {
	g := p.g
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	if err := sess.Ack(ctx); err != nil {
		return nil, fmt.Errorf("ACK not sent: %w", err)
	}
	res := sess.InviteResponse
	answer, err := sdp.Parse(res.Body())
	var pt uint8
	var alaw bool
	if err == nil {
		pt, alaw, err = answer.Codec()
	}
	if err != nil {
		p.hangUp(sess)
		return nil, fmt.Errorf("the answer's SDP: %w", err)
	}
	l := g.newLeg(p.id, answer, pt, alaw, p.rtp, p.rtcp)
	l.dialog, l.trunk, l.contact = sess, sip.Uri{Host: p.host, Port: p.port}, g.contactFor(p.transport)
	l.ours = sess.InviteRequest.From().Address
	l.target = sess.InviteRequest.Recipient
	if c := res.Contact(); c != nil {
		l.target = c.Address
	}
	// Requests from the far end name the dialog with our tag in To.
	ours, _ := sess.InviteRequest.From().Params.Get("tag")
	theirs, _ := res.To().Params.Get("tag")
	l.id = sip.DialogIDMake(p.id, ours, theirs)
	l.answer = sdp.Answer{SessionID: uint64(time.Now().UnixNano()), Version: 1, Addr: g.cfg.MediaAddr, Port: l.media.LocalPort(),
		Payload: pt, ALaw: alaw, EventType: answer.EventType, Direction: answer.Direction.Reverse()}
	return l, nil
}

// hangUp ends a dialog the call will not use.
func (p *placing) hangUp(sess *sipgo.DialogClientSession) {
	ctx, cancel := context.WithTimeout(context.Background(), byeTimeout)
	defer cancel()
	if err := sess.Bye(ctx); err != nil {
		p.log.Info("BYE not acknowledged", "err", err)
	}
}

// failed ends a call that was never answered with its final status.
func (p *placing) failed(status, why string, err error) {
	_ = p.rtp.Close()
	_ = p.rtcp.Close()
	p.log.Info("SIP call not answered", "status", status, "reason", why, "err", err)
	p.status(status)
}

func (p *placing) status(s string) {
	if p.record == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), admitTimeout)
	defer cancel()
	err := p.record.RecordStatus(ctx, telephony.CallStatus{Carrier: Carrier, CallID: p.id, OrganizationID: p.dial.OrganizationID,
		Status: s, CarrierStatus: s, Direction: telephony.Outbound, From: p.dial.From, To: p.dial.To, At: time.Now()})
	if err != nil {
		p.log.Warn("call status not recorded", "status", s, "err", err)
	}
}
