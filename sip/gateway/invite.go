package gateway

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
	"github.com/switchboard-voice/switchboard/voice"
)

// admitTimeout bounds routing an INVITE (database reads).
const admitTimeout = 10 * time.Second

func (g *Gateway) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if req.To() != nil && req.To().Params.Has("tag") {
		g.reinvite(req, tx)
		return
	}
	if !g.allowed(req) {
		return
	}
	g.mu.Lock()
	draining := g.draining
	g.mu.Unlock()
	if draining {
		g.refuse(req, tx, 503, "Service Unavailable", "shutting down")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), admitTimeout)
	defer cancel()
	number := e164(req.Recipient)
	if number == "" && req.To() != nil {
		number = e164(req.To().Address)
	}
	if number == "" {
		g.refuse(req, tx, 404, "Not Found", "the dialled number is not an E.164 number")
		return
	}
	if !g.authorized(ctx, req, tx, number) {
		return
	}
	offer, err := sdp.Parse(req.Body())
	if err != nil {
		g.refuse(req, tx, 488, "Not Acceptable Here", err.Error())
		return
	}
	pt, alaw, err := offer.Codec()
	if err != nil {
		g.refuse(req, tx, 488, "Not Acceptable Here", err.Error())
		return
	}
	caller := ""
	if req.From() != nil {
		caller = e164(req.From().Address)
	}
	id := callID(req)
	if id == "" || len(id) > 200 {
		g.refuse(req, tx, 400, "Bad Request", "the Call-ID is missing or too long")
		return
	}
	info := voice.CallInfo{ID: id, From: caller, To: number, Direction: telephony.Inbound, Carrier: Carrier}
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.log, telephony.Lookup{Carrier: Carrier, Number: number, Caller: caller}, info, nil)
	if err != nil {
		g.refuseRoute(req, tx, err)
		return
	}
	if to, ok := telephony.Bypass(route.Snapshot, caller); ok {
		g.redirect(req, tx, to)
		return
	}
	rtpConn, rtcpConn, err := media.Listen(g.cfg.MediaAddr)
	if err != nil {
		g.refuse(req, tx, 503, "Service Unavailable", "no media port free")
		return
	}
	l := g.newLeg(id, offer, pt, alaw, rtpConn, rtcpConn)
	l.contact = g.contactFor(req.Transport())
	dua := sipgo.DialogUA{Client: g.client, ContactHDR: *l.contact}
	ds, err := dua.ReadInvite(req, tx)
	if err != nil {
		l.media.Close()
		g.refuse(req, tx, 400, "Bad Request", err.Error())
		return
	}
	host, port := trunkHost(req)
	l.dialog, l.id, l.target, l.trunk = ds, ds.ID, req.Contact().Address, sip.Uri{Host: host, Port: port}
	l.ours = req.To().Address
	l.sessionTimer(req)
	if !g.add(l) {
		l.media.Close()
		g.refuse(req, tx, 503, "Service Unavailable", "shutting down")
		return
	}
	answer := sdp.Answer{SessionID: uint64(time.Now().UnixNano()), Version: 1, Addr: g.cfg.MediaAddr, Port: l.media.LocalPort(),
		Payload: pt, ALaw: alaw, EventType: offer.EventType, Direction: offer.Direction.Reverse()}
	l.answer = answer
	res := sip.NewSDPResponseFromRequest(ds.InviteRequest, answer.Marshal())
	l.sessionTimerHeaders(res)
	if err := ds.WriteResponse(res); err != nil {
		l.log.Info("SIP call not answered", "err", err)
		g.remove(l)
		return
	}
	g.startCall(l, spec)
}

// authorized checks the INVITE against the trunks that may deliver calls
// to number, answering it (403, 404, 401 challenge) when they refuse.
func (g *Gateway) authorized(ctx context.Context, req *sip.Request, tx sip.ServerTransaction, number string) bool {
	trunks, err := g.cfg.Trunks.InboundSIPTrunks(ctx, number)
	if err != nil {
		g.log.Error("SIP trunks unavailable", "err", err)
		g.refuse(req, tx, 503, "Service Unavailable", "routing unavailable")
		return false
	}
	if len(trunks) == 0 {
		g.refuse(req, tx, 404, "Not Found", "no SIP trunk delivers this number")
		return false
	}
	src := source(req).Addr()
	var candidates []persistence.SIPTrunk
	for _, t := range trunks {
		if fromAllowed(t, src) {
			candidates = append(candidates, t)
		}
	}
	if len(candidates) == 0 {
		g.refuse(req, tx, 403, "Forbidden", "source address not allowed on the number's trunks")
		return false
	}
	var withCreds []persistence.SIPTrunk
	for _, t := range candidates {
		if t.InboundUsername == nil {
			return true // vouched for by its address alone
		}
		withCreds = append(withCreds, t)
	}
	h := req.GetHeader("Authorization")
	if h == nil {
		g.challenge(req, tx, false)
		return false
	}
	creds, err := digest.ParseCredentials(h.Value())
	if err != nil {
		g.refuse(req, tx, 403, "Forbidden", "malformed Authorization header")
		return false
	}
	ours, fresh := g.nonces.fresh(creds.Nonce)
	if !ours || creds.Realm != g.cfg.Realm {
		g.refuse(req, tx, 403, "Forbidden", "credentials for another challenge")
		return false
	}
	for _, t := range withCreds {
		if *t.InboundUsername != creds.Username {
			continue
		}
		password, err := g.cfg.Opener.Open(*t.InboundPassword)
		if err != nil {
			g.log.Error("SIP trunk password does not open", "trunk_id", t.ID, "err", err)
			continue
		}
		if verify(creds, g.cfg.Realm, string(req.Method), password) {
			if !fresh {
				g.challenge(req, tx, true)
				return false
			}
			return true
		}
	}
	g.refuse(req, tx, 403, "Forbidden", "bad digest credentials")
	return false
}

func (g *Gateway) challenge(req *sip.Request, tx sip.ServerTransaction, stale bool) {
	g.respond(req, tx, 401, "Unauthorized", sip.NewHeader("WWW-Authenticate", g.nonces.challenge(g.cfg.Realm, stale).String()))
}

func fromAllowed(t persistence.SIPTrunk, src netip.Addr) bool {
	if len(t.AllowedAddresses) == 0 {
		return true
	}
	for _, p := range t.AllowedAddresses {
		if p.Contains(src) {
			return true
		}
	}
	return false
}

// refuseRoute answers a call the directory would not route.
func (g *Gateway) refuseRoute(req *sip.Request, tx sip.ServerTransaction, err error) {
	switch {
	case errors.Is(err, telephony.ErrDraining):
		g.refuse(req, tx, 503, "Service Unavailable", "shutting down")
	case errors.Is(err, telephony.ErrUnknownNumber):
		g.refuse(req, tx, 404, "Not Found", "number not in service")
	case errors.Is(err, telephony.ErrInactive):
		g.refuse(req, tx, 480, "Temporarily Unavailable", "number or assistant inactive")
	default:
		g.log.Error("SIP call not routed", "err", err)
		g.refuse(req, tx, 500, "Server Internal Error", "routing failed")
	}
}

// redirect sends a caller on the assistant's bypass list straight to its
// transfer number, through the trunk that sent the call (302).
func (g *Gateway) redirect(req *sip.Request, tx sip.ServerTransaction, to string) {
	host, port := trunkHost(req)
	uri := sip.Uri{User: to, Host: host, Port: port}
	g.log.Info("SIP call redirected: caller on the bypass list", "call_id", callID(req))
	g.respond(req, tx, 302, "Moved Temporarily", &sip.ContactHeader{Address: uri})
}

// trunkHost is where the trunk that sent req takes requests: its
// Contact's host, or the request's source.
func trunkHost(req *sip.Request) (string, int) {
	if c := req.Contact(); c != nil && c.Address.Host != "" {
		return c.Address.Host, c.Address.Port
	}
	src := source(req)
	return src.Addr().String(), int(src.Port())
}

// reinvite handles a re-INVITE on a live call: a session refresh, hold
// or resume, or a new media address.
func (g *Gateway) reinvite(req *sip.Request, tx sip.ServerTransaction) {
	l := g.leg(req)
	if l == nil {
		g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	if err := l.dialog.ReadRequest(req, tx); err != nil {
		g.respond(req, tx, 500, "Server Internal Error", sip.NewHeader("Retry-After", "1"))
		return
	}
	offer := l.offer
	if len(req.Body()) > 0 {
		o, err := sdp.Parse(req.Body())
		if err != nil {
			g.refuse(req, tx, 488, "Not Acceptable Here", err.Error())
			return
		}
		if pt, _, err := o.Codec(); err != nil || pt != l.payload {
			g.refuse(req, tx, 488, "Not Acceptable Here", "the codec cannot change during a call")
			return
		}
		offer = o
	}
	l.refreshed(req)
	l.mu.Lock()
	l.offer = offer
	l.answer.Version++
	l.answer.Direction = offer.Direction.Reverse()
	answer := l.answer
	l.mu.Unlock()
	l.media.Update(netip.AddrPortFrom(offer.Addr, uint16(offer.Port)), offer.Direction.Receives() && offer.Port != 0,
		offer.Direction.Sends())
	l.log.Info("SIP session updated", "direction", offer.Direction.String())
	res := sip.NewSDPResponseFromRequest(req, answer.Marshal())
	res.AppendHeader(l.contact)
	l.sessionTimerHeaders(res)
	if err := tx.Respond(res); err != nil {
		l.log.Debug("re-INVITE answer not sent", "err", err)
	}
}

func (g *Gateway) add(l *leg) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return false
	}
	g.legs[l.id] = l
	g.calls.Add(1)
	return true
}

func (g *Gateway) remove(l *leg) {
	l.media.Close()
	g.mu.Lock()
	_, live := g.legs[l.id]
	delete(g.legs, l.id)
	g.mu.Unlock()
	if live {
		g.calls.Done()
	}
}

// infoDigit reads a key from a SIP INFO body.
func infoDigit(req *sip.Request) (string, bool) {
	ct := req.ContentType()
	if ct == nil {
		return "", false
	}
	body := strings.TrimSpace(string(req.Body()))
	switch strings.ToLower(ct.Value()) {
	case "application/dtmf-relay":
		for _, line := range strings.Split(body, "\n") {
			k, v, ok := strings.Cut(line, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "signal") {
				return oneKey(strings.TrimSpace(v))
			}
		}
		return "", false
	case "application/dtmf":
		return oneKey(body)
	}
	return "", false
}

func oneKey(s string) (string, bool) {
	if len(s) == 1 && strings.ContainsAny(s, "0123456789*#ABCDabcd") {
		return strings.ToUpper(s), true
	}
	return "", false
}
