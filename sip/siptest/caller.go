package siptest

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/sip/sdp"
)

// Config places a call.
type Config struct {
	Gateway            netip.AddrPort // the engine's SIP listener (its TLS one with TLS)
	From, To           string         // E.164 numbers
	Username, Password string         // digest credentials, if the trunk has any
	// Headers are added to the INVITE.
	Headers []sip.Header
	// Offer replaces the SDP offer (nil: PCMU and telephone-event 101).
	Offer func(port int) []byte
	// Refer is how the trunk answers the engine's REFERs (zero: accepts
	// them, and the transfer target answers).
	Refer ReferAnswer
	// TLS, when set, places the call over TLS: the caller trusts TLS's
	// roots, and takes the engine's requests in the dialog on a TLS
	// listener of its own with TLS's certificate.
	TLS *tls.Config
}

// ReferAnswer is a trunk's answer to a REFER.
type ReferAnswer struct {
	// Code is the REFER's final response [202]: a trunk refusing
	// transfers answers 405, 501 or 403.
	Code int
	// Outcome is, after a 202, the transfer target's answer the NOTIFY
	// reports in its message/sipfrag [200]: 486 busy, 480 no answer.
	Outcome int
}

// Caller is a call placed at the gateway.
type Caller struct {
	*stream
	endpoint // its stream listener takes SIP over TLS, with Config.TLS

	dialog *sipgo.DialogClientSession
	done   chan struct{}

	mu         sync.Mutex
	refers     []string // Refer-To of REFERs received
	referredBy []string // their Referred-By
	byeFromEng bool
}

// ErrRefused is a final failure answer to the INVITE.
type ErrRefused struct {
	Code   int
	Reason string
	// Contact is where a redirection (3xx) sends the call.
	Contact string
}

func (e *ErrRefused) Error() string { return fmt.Sprintf("INVITE refused: %d %s", e.Code, e.Reason) }

// Dial places a call; it returns once the call is answered (and ACKed),
// or the INVITE's final failure as *ErrRefused.
func Dial(ctx context.Context, cfg Config) (*Caller, error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	st, err := newStream()
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	c := &Caller{stream: st, endpoint: endpoint{conn: conn}, done: make(chan struct{})}
	local := c.conn.LocalAddr().(*net.UDPAddr)
	opts, clientOpts := []sipgo.UserAgentOption{sipgo.WithUserAgent("siptest")}, []sipgo.ClientOption{}
	contact := sip.ContactHeader{Address: sip.Uri{User: strings.TrimPrefix(cfg.From, "+"), Host: "127.0.0.1", Port: local.Port}}
	if cfg.TLS != nil {
		opts = append(opts, sipgo.WithUserAgenTLSConfig(cfg.TLS))
		if c.ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg.TLS); err != nil {
			c.closeAll()
			return nil, err
		}
		contact.Address.Port = c.ln.Addr().(*net.TCPAddr).Port
		contact.Address.UriParams = sip.NewParams()
		contact.Address.UriParams.Add("transport", "tls")
	} else { // requests go from the socket the engine's come to
		clientOpts = append(clientOpts, sipgo.WithClientConnectionAddr(local.String()))
	}
	if err = c.start(opts...); err != nil {
		c.closeAll()
		return nil, err
	}
	if c.cli, err = sipgo.NewClient(c.ua, clientOpts...); err != nil {
		c.closeAll()
		return nil, err
	}
	dc := sipgo.NewDialogClientCache(c.cli, contact)
	c.srv.OnBye(c.on(func(req *sip.Request, tx sip.ServerTransaction) {
		c.mu.Lock()
		c.byeFromEng = true // before the dialog ends and Done closes
		c.mu.Unlock()
		if err := dc.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
	}))
	c.srv.OnRefer(c.on(func(req *sip.Request, tx sip.ServerTransaction) {
		to := ""
		if h := req.GetHeader("Refer-To"); h != nil {
			to = h.Value()
		}
		by := ""
		if h := req.GetHeader("Referred-By"); h != nil {
			by = h.Value()
		}
		c.mu.Lock()
		c.refers, c.referredBy = append(c.refers, to), append(c.referredBy, by)
		c.mu.Unlock()
		code, outcome := cmp.Or(cfg.Refer.Code, 202), cmp.Or(cfg.Refer.Outcome, 200)
		_ = tx.Respond(sip.NewResponseFromRequest(req, code, reasonPhrase(code), nil))
		if code == 202 {
			go c.notifyTransferred(outcome)
		}
	}))
	c.serveSIP(c.srv.ServeTLS)
	// The client sends from the server's socket once the transport has it.
	for {
		if _, err := c.ua.TransportLayer().GetConnection("udp", local.String()); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			c.closeAll()
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}

	rtpPort := c.rtp.LocalAddr().(*net.UDPAddr).Port
	offer := defaultOffer(rtpPort)
	if cfg.Offer != nil {
		offer = cfg.Offer(rtpPort)
	}
	ruri := sip.Uri{User: cfg.To, Host: cfg.Gateway.Addr().String(), Port: int(cfg.Gateway.Port())}
	if cfg.TLS != nil {
		ruri.UriParams = sip.NewParams()
		ruri.UriParams.Add("transport", "tls")
	}
	req := sip.NewRequest(sip.INVITE, ruri)
	tag := sip.NewParams()
	tag.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(&sip.FromHeader{Address: sip.Uri{User: cfg.From, Host: "127.0.0.1"}, Params: tag})
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{User: cfg.To, Host: cfg.Gateway.Addr().String()}, Params: sip.NewParams()})
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	for _, h := range cfg.Headers {
		req.AppendHeader(h)
	}
	req.SetBody(offer)
	if c.dialog, err = dc.WriteInvite(ctx, req); err != nil {
		c.closeAll()
		return nil, err
	}
	if err := c.dialog.WaitAnswer(ctx, sipgo.AnswerOptions{Username: cfg.Username, Password: cfg.Password}); err != nil {
		c.closeAll()
		var de *sipgo.ErrDialogResponse
		if errors.As(err, &de) {
			refused := &ErrRefused{Code: de.Res.StatusCode, Reason: de.Res.Reason}
			if h := de.Res.Contact(); h != nil {
				refused.Contact = h.Address.String()
			}
			return nil, refused
		}
		return nil, err
	}
	if err := c.dialog.Ack(ctx); err != nil {
		c.closeAll()
		return nil, err
	}
	answer, err := sdp.Parse(c.dialog.InviteResponse.Body())
	if err != nil {
		c.closeAll()
		return nil, fmt.Errorf("the answer: %w", err)
	}
	c.run(answer)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case <-c.dialog.Context().Done():
			close(c.done)
		case <-c.quit:
		}
	}()
	return c, nil
}

func defaultOffer(port int) []byte {
	return []byte(fmt.Sprintf("v=0\r\no=siptest 1 1 IN IP4 127.0.0.1\r\ns=siptest\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n", port))
}

// HangUp sends BYE and stops the media.
func (c *Caller) HangUp() { _ = c.End() }

// End is HangUp, returning why the BYE failed (no 200 from the engine).
func (c *Caller) End() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.dialog.Bye(ctx)
	c.Close()
	return err
}

// Done is closed once the call ended, by either side's BYE.
func (c *Caller) Done() <-chan struct{} { return c.done }

// HungUpByEngine reports whether the engine sent BYE.
func (c *Caller) HungUpByEngine() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byeFromEng
}

// Refers lists the Refer-To of the REFERs the engine sent.
func (c *Caller) Refers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.refers...)
}

// ReferredBy lists the Referred-By of the REFERs the engine sent.
func (c *Caller) ReferredBy() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.referredBy...)
}

// Close stops the caller's media and user agent (without BYE).
func (c *Caller) Close() {
	select {
	case <-c.quit:
		return
	default:
	}
	close(c.quit)
	c.closeAll()
}

func (c *Caller) closeAll() {
	c.closeSIP()
	c.closeMedia()
	c.wg.Wait()
}

// notifyTransferred tells the engine, after a REFER, how the transfer
// target answered (RFC 3515 NOTIFY with a message/sipfrag).
func (c *Caller) notifyTransferred(outcome int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := sip.NewRequest(sip.NOTIFY, c.dialog.InviteResponse.Contact().Address)
	n.AppendHeader(sip.NewHeader("Event", "refer"))
	n.AppendHeader(sip.NewHeader("Subscription-State", "terminated;reason=noresource"))
	n.AppendHeader(sip.NewHeader("Content-Type", "message/sipfrag;version=2.0"))
	n.SetBody(fmt.Appendf(nil, "SIP/2.0 %d %s\r\n", outcome, reasonPhrase(outcome)))
	_, _ = c.dialog.Do(ctx, n)
}

// Hold sends a re-INVITE offering direction (sendonly to hold,
// sendrecv to resume) and returns the direction answered.
func (c *Caller) Hold(ctx context.Context, direction string) (sdp.Direction, error) {
	return c.hold(ctx, c.dialog, c.dialog.InviteResponse.Contact().Address, direction)
}

// Info presses a key as SIP INFO (application/dtmf-relay), as some PBXs
// send keys.
func (c *Caller) Info(ctx context.Context, key string) error {
	req := sip.NewRequest(sip.INFO, c.dialog.InviteResponse.Contact().Address)
	req.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
	req.SetBody([]byte("Signal=" + key + "\r\nDuration=160\r\n"))
	res, err := c.dialog.Do(ctx, req)
	if err != nil {
		return err
	}
	if !res.IsSuccess() {
		return &ErrRefused{Code: res.StatusCode, Reason: res.Reason}
	}
	return nil
}

// AnswerHeader is a header of the engine's 200 OK to the INVITE, "" when
// absent.
func (c *Caller) AnswerHeader(name string) string {
	if h := c.dialog.InviteResponse.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}
