package siptest

import (
	"context"
	"crypto/hmac"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"github.com/switchboard-voice/switchboard/sip/sdp"
)

// Behaviour is how a Callee takes the engine's INVITE.
type Behaviour int

// Behaviours.
const (
	Pick   Behaviour = iota // 180 Ringing, then 200 OK with PCMU
	Busy                    // 486 Busy Here
	Ignore                  // 180 Ringing, and nothing more until CANCEL (487)
)

// CalleeConfig sets a callee up.
type CalleeConfig struct {
	Behaviour Behaviour
	// Username and Password, when set, are demanded as a trunk's proxy
	// does: a 407 challenge first, 403 for wrong credentials.
	Username, Password string
	// TCP: the callee takes INVITEs over TCP instead of UDP.
	TCP bool
	// TLS, when set, has the callee take INVITEs over TLS instead, with
	// TLS's certificate, and trust TLS's roots for its own requests.
	TLS *tls.Config
}

// transport is the one the callee takes INVITEs over, as a URI names it.
func (cfg CalleeConfig) transport() string {
	switch {
	case cfg.TLS != nil:
		return "tls"
	case cfg.TCP:
		return "tcp"
	}
	return "udp"
}

// Callee is a trunk's far end for the calls the engine places: a SIP
// user agent on UDP that answers INVITEs as configured.
type Callee struct {
	endpoint // its stream listener with TCP or TLS
	cfg      CalleeConfig
	dialog   *sipgo.DialogServerCache
	calls    chan *Answered

	mu        sync.Mutex
	invites   []*sip.Request
	cancelled int
	live      []*Answered
}

// Answered is a call the callee took.
type Answered struct {
	*stream
	Invite *sip.Request // the INVITE as it arrived (with its credentials)

	dialog *sipgo.DialogServerSession
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	byEng  bool
}

// Listen starts a callee on loopback.
func Listen(cfg CalleeConfig) (*Callee, error) {
	c := &Callee{cfg: cfg, calls: make(chan *Answered, 16)}
	var err error
	if c.conn, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	opts := []sipgo.UserAgentOption{sipgo.WithUserAgent("siptest-callee")}
	if cfg.TLS != nil {
		opts = append(opts, sipgo.WithUserAgenTLSConfig(cfg.TLS))
	}
	if err = c.start(opts...); err != nil {
		c.Close()
		return nil, err
	}
	if c.cli, err = sipgo.NewClient(c.ua, sipgo.WithClientConnectionAddr(c.conn.LocalAddr().String())); err != nil {
		c.Close()
		return nil, err
	}
	c.srv.OnInvite(c.on(c.onInvite))
	c.srv.OnAck(c.on(func(req *sip.Request, tx sip.ServerTransaction) { _ = c.dialog.ReadAck(req, tx) }))
	c.srv.OnBye(c.on(func(req *sip.Request, tx sip.ServerTransaction) {
		if a := c.find(req); a != nil {
			a.mu.Lock()
			a.byEng = true
			a.mu.Unlock()
		}
		if err := c.dialog.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
	}))
	switch cfg.transport() {
	case "tls":
		c.ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg.TLS)
	case "tcp":
		c.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	addr := c.Addr()
	contact := sip.ContactHeader{Address: sip.Uri{Host: addr.Addr().String(), Port: int(addr.Port()), UriParams: sip.NewParams()}}
	if tr := cfg.transport(); tr != "udp" {
		contact.Address.UriParams.Add("transport", tr)
	}
	c.dialog = sipgo.NewDialogServerCache(c.cli, contact)
	serve := c.srv.ServeTCP
	if cfg.TLS != nil {
		serve = c.srv.ServeTLS
	}
	c.serveSIP(serve)
	return c, nil
}

// Addr is where the callee takes INVITEs: the trunk's outbound address.
func (c *Callee) Addr() netip.AddrPort {
	if c.ln != nil {
		return c.ln.Addr().(*net.TCPAddr).AddrPort()
	}
	return c.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Invites lists the INVITEs received, challenged and retried ones too.
func (c *Callee) Invites() []*sip.Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*sip.Request(nil), c.invites...)
}

// Cancelled counts the INVITEs the engine cancelled.
func (c *Callee) Cancelled() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cancelled
}

// Next waits for the next call answered.
func (c *Callee) Next(ctx context.Context) (*Answered, error) {
	select {
	case a := <-c.calls:
		return a, nil
	case <-ctx.Done():
		return nil, errors.New("siptest: no call answered")
	}
}

// Close stops the callee and its calls' media (without BYE).
func (c *Callee) Close() {
	c.mu.Lock()
	live := c.live
	c.mu.Unlock()
	for _, a := range live {
		a.Close()
	}
	c.closeSIP()
}

const realm = "siptest"

func (c *Callee) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	c.mu.Lock()
	c.invites = append(c.invites, req)
	c.mu.Unlock()
	if c.cfg.Username != "" && !c.authorized(req, tx) {
		return
	}
	switch c.cfg.Behaviour {
	case Busy:
		final(tx, sip.NewResponseFromRequest(req, 486, "Busy Here", nil))
		return
	case Ignore:
		tx.OnCancel(func(*sip.Request) {
			c.mu.Lock()
			c.cancelled++
			c.mu.Unlock()
		})
		_ = tx.Respond(sip.NewResponseFromRequest(req, 180, "Ringing", nil))
		<-tx.Done() // the CANCEL ends it (487), or the callee's Close
		return
	}
	offer, err := sdp.Parse(req.Body())
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil))
		return
	}
	ds, err := c.dialog.ReadInvite(req, tx)
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 400, "Bad Request", nil))
		return
	}
	st, err := newStream()
	if err != nil {
		_ = ds.Respond(500, "Server Internal Error", nil)
		return
	}
	a := &Answered{stream: st, Invite: req, dialog: ds, done: make(chan struct{})}
	_ = ds.Respond(180, "Ringing", nil)
	answer := sdp.Answer{SessionID: 1, Version: 1, Addr: netip.MustParseAddr("127.0.0.1"), Port: st.port(),
		Payload: sdp.PayloadPCMU, EventType: offer.EventType, Direction: sdp.SendRecv}
	if err := ds.WriteResponse(sip.NewSDPResponseFromRequest(ds.InviteRequest, answer.Marshal())); err != nil {
		st.close()
		return
	}
	a.run(offer)
	go func() {
		<-ds.Context().Done()
		a.once.Do(func() { close(a.done) })
	}()
	c.mu.Lock()
	c.live = append(c.live, a)
	c.mu.Unlock()
	c.calls <- a
}

// authorized checks the INVITE's Proxy-Authorization, challenging or
// refusing it when it does not match.
func (c *Callee) authorized(req *sip.Request, tx sip.ServerTransaction) bool {
	h := req.GetHeader("Proxy-Authorization")
	if h == nil {
		chal := digest.Challenge{Realm: realm, Nonce: sip.GenerateTagN(16), Algorithm: "MD5", QOP: []string{"auth"}}
		res := sip.NewResponseFromRequest(req, 407, "Proxy Authentication Required", nil)
		res.AppendHeader(sip.NewHeader("Proxy-Authenticate", chal.String()))
		final(tx, res)
		return false
	}
	creds, err := digest.ParseCredentials(h.Value())
	if err == nil && creds.Username == c.cfg.Username {
		want, err := digest.Digest(&digest.Challenge{Realm: creds.Realm, Nonce: creds.Nonce, Algorithm: "MD5", QOP: []string{"auth"}},
			digest.Options{Method: "INVITE", URI: creds.URI, Username: creds.Username, Password: c.cfg.Password,
				Cnonce: creds.Cnonce, Count: creds.Nc})
		if err == nil && hmac.Equal([]byte(want.Response), []byte(creds.Response)) {
			return true
		}
	}
	final(tx, sip.NewResponseFromRequest(req, 403, "Forbidden", nil))
	return false
}

// final sends a failure and takes its ACK, which the transaction would
// otherwise hold a goroutine for until it ends.
func final(tx sip.ServerTransaction, res *sip.Response) {
	if tx.Respond(res) != nil {
		return
	}
	select {
	case <-tx.Acks():
	case <-tx.Done():
	}
}

func (c *Callee) find(req *sip.Request) *Answered {
	id := callIDOf(req)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.live {
		if callIDOf(a.Invite) == id {
			return a
		}
	}
	return nil
}

func callIDOf(req *sip.Request) string {
	if h := req.CallID(); h != nil {
		return h.Value()
	}
	return ""
}

// HangUp sends BYE and stops the media.
func (a *Answered) HangUp() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = a.dialog.Bye(ctx)
	a.Close()
}

// Hold sends a re-INVITE offering direction (sendonly to hold,
// sendrecv to resume) and returns the direction answered.
func (a *Answered) Hold(ctx context.Context, direction string) (sdp.Direction, error) {
	return a.hold(ctx, a.dialog, a.Invite.Contact().Address, direction)
}

// Done is closed once the call ended, by either side's BYE.
func (a *Answered) Done() <-chan struct{} { return a.done }

// HungUpByEngine reports whether the engine sent BYE.
func (a *Answered) HungUpByEngine() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byEng
}

// Close stops the call's media (without BYE).
func (a *Answered) Close() { a.close() }

// CallID is the call's Call-ID: the engine's call SID.
func (a *Answered) CallID() string { return callIDOf(a.Invite) }

// User is the user part of a header's URI in the INVITE (From, To,
// P-Asserted-Identity), "" when absent.
func (a *Answered) User(header string) string {
	h := a.Invite.GetHeader(header)
	if h == nil {
		return ""
	}
	v := h.Value()
	if i := strings.Index(v, "sip:"); i >= 0 {
		v = v[i+4:]
	}
	user, _, _ := strings.Cut(v, "@")
	return user
}
