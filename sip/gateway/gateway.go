package gateway

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/internal/closing"
	"github.com/switchboard-voice/switchboard/sip/media"
)

// Carrier is the name of SIP calls' carrier, and the provider of the
// numbers trunks deliver.
const Carrier = "sip"

// Trunks is where the gateway finds the trunks that may deliver a call,
// and the one a call from a number goes out through (*persistence.Store).
type Trunks interface {
	InboundSIPTrunks(ctx context.Context, number string) ([]persistence.SIPTrunk, error)
	OutboundSIPTrunk(ctx context.Context, orgID int64, number string) (persistence.SIPTrunk, error)
}

// Opener opens sealed trunk passwords (secrets.Box).
type Opener interface {
	Open(sealed string) (string, error)
}

// Config sets a gateway up; zero fields take the defaults in brackets.
type Config struct {
	Calls     *call.Manager
	Directory telephony.Directory
	Trunks    Trunks
	Opener    Opener
	// Status records the progress of the calls the engine places
	// (ringing, busy, no-answer, failed); nil: only logged.
	Status telephony.StatusRecorder
	Log    *slog.Logger
	// MediaAddr is the address RTP is received on and written into SDP
	// answers [the listen address's; required when that is unspecified].
	MediaAddr netip.Addr
	// Realm names the digest realm ["switchboard"].
	Realm string
	// InviteRate and InviteBurst bound the requests outside a dialog one
	// source address may send [10 per second, bursts of 40].
	InviteRate  float64
	InviteBurst int
	// MediaTimeout ends a call whose caller sent no RTP for this long
	// while not on hold [30 s].
	MediaTimeout time.Duration
	// Timings records the engine's overhead up to the wire (nil: not
	// recorded), as the websocket gateways' hub does.
	Timings media.Timings
	// TransferWait bounds the wait for a REFER's outcome, and for the
	// answer of the second leg placed where the trunk refuses REFER [30 s].
	TransferWait time.Duration
	// MinSessionExpires is the shortest session interval (RFC 4028's
	// Min-SE) a call is given: a shorter Session-Expires is raised to it
	// [90 s].
	MinSessionExpires time.Duration
	// TLSRoots verifies the certificates of trunks reached over TLS [the
	// system's roots].
	TLSRoots *x509.CertPool
}

// Gateway is the SIP listener and the calls it carries.
type Gateway struct {
	cfg    Config
	log    *slog.Logger
	ua     *sipgo.UserAgent
	server *sipgo.Server
	client *sipgo.Client
	nonces nonces
	limit  *limiter
	out    dialing

	mu       sync.Mutex
	legs     map[string]*leg // by dialog id
	draining bool
	calls    sync.WaitGroup
	udp      net.PacketConn
	tcp      net.Listener
	tls      net.Listener // nil unless ListenTLS
	contacts contacts
	served   sync.WaitGroup
	closing  closing.Guard
}

// New builds a gateway; Listen starts it.
func New(cfg Config) (*Gateway, error) {
	switch {
	case cfg.Calls == nil || cfg.Directory == nil || cfg.Trunks == nil || cfg.Opener == nil:
		return nil, errors.New("sip: gateway needs calls, a directory, trunks and an opener")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Realm == "" {
		cfg.Realm = "switchboard"
	}
	if cfg.InviteRate <= 0 {
		cfg.InviteRate = 10
	}
	if cfg.InviteBurst <= 0 {
		cfg.InviteBurst = 40
	}
	if cfg.MediaTimeout <= 0 {
		cfg.MediaTimeout = 30 * time.Second
	}
	if cfg.TransferWait <= 0 {
		cfg.TransferWait = 30 * time.Second
	}
	if cfg.MinSessionExpires <= 0 {
		cfg.MinSessionExpires = 90 * time.Second
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	g := &Gateway{cfg: cfg, log: cfg.Log.With("carrier", Carrier), nonces: nonces{key: key, now: time.Now},
		limit: newLimiter(cfg.InviteRate, cfg.InviteBurst, time.Now), legs: map[string]*leg{}}
	stack := slog.New(throttle(g.log.Handler(), 10*time.Second)).With("component", "sipgo")
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("switchboard"),
		sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: cfg.TLSRoots, MinVersion: tls.VersionTLS12}),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(stack), sip.WithTransportLayerReadFilter(g.closing.Filter)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(stack)))
	if err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	g.ua = ua
	g.out.ctx, g.out.stop = context.WithCancel(context.Background())
	if g.server, err = sipgo.NewServer(ua, sipgo.WithServerLogger(stack)); err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	if g.client, err = sipgo.NewClient(ua); err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	g.closing.Watch(ua)
	on := g.closing.Handler
	g.server.OnInvite(on(g.onInvite))
	g.server.OnAck(on(g.onAck))
	g.server.OnBye(on(g.onBye))
	g.server.OnCancel(on(g.onCancel))
	g.server.OnUpdate(on(g.onUpdate))
	g.server.OnOptions(on(g.onOptions))
	g.server.OnNotify(on(g.onNotify))
	g.server.OnInfo(on(g.onInfo))
	g.server.OnNoRoute(on(closing.NoRoute))
	return g, nil
}

// Listen serves SIP on addr over UDP and, on the same port, TCP (with
// port 0, a port free for both).
func (g *Gateway) Listen(addr string) error {
	udp, tcp, err := listenBoth(addr)
	if err != nil {
		return err
	}
	ua := udp.LocalAddr().(*net.UDPAddr)
	if !g.cfg.MediaAddr.IsValid() {
		a, _ := netip.AddrFromSlice(ua.IP)
		if a.Unmap().IsUnspecified() {
			_ = udp.Close()
			_ = tcp.Close()
			return errors.New("sip: listening on every address: set the media address to advertise in SDP")
		}
		g.cfg.MediaAddr = a.Unmap()
	}
	g.udp, g.tcp = udp, tcp
	host := g.cfg.MediaAddr.String()
	g.contacts.udp = sip.ContactHeader{Address: sip.Uri{Host: host, Port: ua.Port}}
	g.contacts.tcp = withTransport(g.contacts.udp.Address, "tcp")
	g.served.Add(2)
	go func() { defer g.served.Done(); _ = g.server.ServeUDP(udp) }()
	go func() { defer g.served.Done(); _ = g.server.ServeTCP(tcp) }()
	g.log.Info("SIP listening", "addr", ua.String(), "media_addr", host)
	return nil
}

func listenBoth(addr string) (net.PacketConn, net.Listener, error) {
	_, port, _ := net.SplitHostPort(addr)
	for try := 0; ; try++ {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("sip: listen on %s: %w", addr, err)
		}
		at := udp.LocalAddr().String()
		tcp, err := net.Listen("tcp", at)
		if err == nil {
			return udp, tcp, nil
		}
		_ = udp.Close()
		if port != "0" || try == 20 {
			return nil, nil, fmt.Errorf("sip: listen on %s/tcp: %w", at, err)
		}
	}
}

// Addr is where the gateway listens (UDP and TCP).
func (g *Gateway) Addr() net.Addr { return g.udp.LocalAddr() }

// Close refuses new calls, waits for the live ones to end (the engine's
// drain ends them) until ctx is done, then stops listening.
func (g *Gateway) Close(ctx context.Context) error {
	g.mu.Lock()
	g.draining = true
	g.mu.Unlock()
	g.out.stop() // calls still ringing are cancelled
	done := make(chan struct{})
	go func() { g.out.wg.Wait(); g.calls.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("sip: calls still live: %w", ctx.Err())
	}
	// Reading stops before the user agent closes (see package closing).
	g.closing.Begin()
	if g.udp != nil {
		_ = g.udp.Close()
		_ = g.tcp.Close()
		if g.tls != nil {
			_ = g.tls.Close()
		}
		g.served.Wait()
	}
	_ = g.server.Close()
	_ = g.client.Close()
	_ = g.ua.Close()
	return err
}

// source is a request's source address.
func source(req *sip.Request) netip.AddrPort {
	ap, err := netip.ParseAddrPort(req.Source())
	if err != nil {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// allowed applies the rate limit to a request outside a dialog.
func (g *Gateway) allowed(req *sip.Request) bool {
	src := source(req)
	ok, first := g.limit.allow(src.Addr())
	if first {
		g.log.Warn("SIP requests from this address rate-limited: dropping them", "source", src.Addr(), "method", req.Method)
	}
	return ok
}

func (g *Gateway) respond(req *sip.Request, tx sip.ServerTransaction, code int, reason string, headers ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range headers {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		g.log.Debug("SIP response not sent", "code", code, "err", err)
	}
}

// refuse answers an INVITE with a final failure and logs why.
func (g *Gateway) refuse(req *sip.Request, tx sip.ServerTransaction, code int, reason, why string) {
	g.log.Info("SIP INVITE refused", "code", code, "reason", why, "source", req.Source(), "call_id", callID(req))
	g.respond(req, tx, code, reason, sip.NewHeader("Warning", fmt.Sprintf(`399 switchboard "%s"`, warnText(why))))
}

// warnText makes a reason safe in a Warning header's quoted text: it may
// quote the request (an SDP line), which must not break the header.
func warnText(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			b[i] = '?'
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

func callID(req *sip.Request) string {
	if c := req.CallID(); c != nil {
		return c.Value()
	}
	return ""
}

func (g *Gateway) leg(req *sip.Request) *leg {
	id, err := sip.DialogIDFromRequestUAS(req)
	if err != nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.legs[id]
}

func (g *Gateway) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if l := g.leg(req); l != nil {
		if ds, ok := l.dialog.(*sipgo.DialogServerSession); ok { // an ACK to the engine's 2xx
			_ = ds.ReadAck(req, tx)
		}
	}
}

func (g *Gateway) onBye(req *sip.Request, tx sip.ServerTransaction) {
	l := g.leg(req)
	if l == nil {
		g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	if err := l.dialog.ReadBye(req, tx); err != nil {
		g.respond(req, tx, 400, "Bad Request")
		return
	}
	l.remoteBye()
}

// onCancel answers a CANCEL that matched no INVITE transaction (a
// matching one is handled by the transaction layer: the INVITE gets 487).
func (g *Gateway) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
}

func (g *Gateway) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	if req.To() != nil && req.To().Params.Has("tag") {
		g.respond(req, tx, 200, "OK", sip.NewHeader("Allow", allow))
		return
	}
	if !g.allowed(req) {
		return
	}
	g.respond(req, tx, 200, "OK", sip.NewHeader("Allow", allow), sip.NewHeader("Accept", "application/sdp"))
}

const allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, NOTIFY, INFO"

// onUpdate refreshes a session (RFC 4028) without changing its media.
func (g *Gateway) onUpdate(req *sip.Request, tx sip.ServerTransaction) {
	l := g.leg(req)
	if l == nil {
		g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	if len(req.Body()) > 0 {
		g.respond(req, tx, 488, "Not Acceptable Here", sip.NewHeader("Warning", `399 switchboard "change media with a re-INVITE"`))
		return
	}
	l.refreshed(req)
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	l.sessionTimerHeaders(res)
	_ = tx.Respond(res)
}

// onNotify takes a REFER's progress (RFC 3515 §2.4.4).
func (g *Gateway) onNotify(req *sip.Request, tx sip.ServerTransaction) {
	l := g.leg(req)
	if l == nil {
		g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	g.respond(req, tx, 200, "OK")
	l.referNotified(req.Body())
}

// onInfo takes DTMF sent as SIP INFO (application/dtmf-relay or
// application/dtmf), as some PBXs do instead of RFC 4733.
func (g *Gateway) onInfo(req *sip.Request, tx sip.ServerTransaction) {
	l := g.leg(req)
	if l == nil {
		g.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	digit, ok := infoDigit(req)
	if !ok {
		g.respond(req, tx, 415, "Unsupported Media Type")
		return
	}
	g.respond(req, tx, 200, "OK")
	l.dtmf(digit)
}
