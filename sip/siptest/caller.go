package siptest

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
)

// Config places a call.
type Config struct {
	Gateway            netip.AddrPort // the engine's SIP listener
	From, To           string         // E.164 numbers
	Username, Password string         // digest credentials, if the trunk has any
	// Headers are added to the INVITE.
	Headers []sip.Header
	// Offer replaces the SDP offer (nil: PCMU and telephone-event 101).
	Offer func(port int) []byte
	// Refer is how the trunk answers the engine's REFERs (zero: accepts
	// them, and the transfer target answers).
	Refer ReferAnswer
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
	Phone *phone.Phone

	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	cli    *sipgo.Client
	dialog *sipgo.DialogClientSession
	conn   net.PacketConn // SIP
	rtp    net.PacketConn
	rtcp   net.PacketConn // held so the engine's reports reach no one else's socket
	answer *sdp.Offer
	remote netip.AddrPort

	quit chan struct{}
	wg   sync.WaitGroup
	done chan struct{}

	mu         sync.Mutex
	violations []string
	events     []string // keys received as telephone-events
	refers     []string // Refer-To of REFERs received
	referredBy []string // their Referred-By
	byeFromEng bool
	ssrc       uint32
	lastSeq    uint16
	lastTS     uint32
	lastEvTS   uint32
	anyEv      bool
	packets    int
	seq        uint16
	ts         uint32
	sending    chan outPkt
	mute       atomic.Bool
}

type outPkt struct {
	pt      uint8
	marker  bool
	ts      bool // use the event's timestamp
	payload []byte
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
	c := &Caller{Phone: phone.New(nil), quit: make(chan struct{}), done: make(chan struct{}), sending: make(chan outPkt, 64)}
	var err error
	if c.conn, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	if c.rtp, c.rtcp, err = media.Listen(netip.AddrFrom4([4]byte{127, 0, 0, 1})); err != nil {
		_ = c.conn.Close()
		return nil, err
	}
	local := c.conn.LocalAddr().(*net.UDPAddr)
	if c.ua, err = sipgo.NewUA(sipgo.WithUserAgent("siptest")); err != nil {
		c.closeAll()
		return nil, err
	}
	c.srv, _ = sipgo.NewServer(c.ua)
	c.cli, err = sipgo.NewClient(c.ua, sipgo.WithClientConnectionAddr(local.String()))
	if err != nil {
		c.closeAll()
		return nil, err
	}
	contact := sip.ContactHeader{Address: sip.Uri{User: strings.TrimPrefix(cfg.From, "+"), Host: "127.0.0.1", Port: local.Port}}
	dc := sipgo.NewDialogClientCache(c.cli, contact)
	c.srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		c.mu.Lock()
		c.byeFromEng = true // before the dialog ends and Done closes
		c.mu.Unlock()
		if err := dc.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
	})
	c.srv.OnRefer(func(req *sip.Request, tx sip.ServerTransaction) {
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
	})
	c.wg.Add(1)
	go func() { defer c.wg.Done(); _ = c.srv.ServeUDP(c.conn) }()
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
	req := sip.NewRequest(sip.INVITE, sip.Uri{User: cfg.To, Host: cfg.Gateway.Addr().String(), Port: int(cfg.Gateway.Port())})
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
	if c.answer, err = sdp.Parse(c.dialog.InviteResponse.Body()); err != nil {
		c.closeAll()
		return nil, fmt.Errorf("the answer: %w", err)
	}
	c.remote = netip.AddrPortFrom(c.answer.Addr, uint16(c.answer.Port))
	c.wg.Add(2)
	go c.readRTP()
	go c.sendRTP()
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

// Answer is the engine's SDP answer.
func (c *Caller) Answer() *sdp.Offer { return c.answer }

// Say speaks words into the call.
func (c *Caller) Say(text string) { c.Phone.Say(text) }

// Press sends keys as RFC 4733 telephone-events.
func (c *Caller) Press(digits string) error {
	for _, d := range digits {
		code := strings.IndexRune("0123456789*#ABCD", d)
		if code < 0 {
			return fmt.Errorf("siptest: %q is not a key", d)
		}
		for i := 1; i <= 5; i++ {
			p := binary.BigEndian.AppendUint16([]byte{byte(code), 10}, uint16(i*160))
			if i == 5 {
				p[1] |= 0x80
			}
			c.sending <- outPkt{pt: 101, marker: i == 1, ts: true, payload: p}
		}
	}
	return nil
}

// SendRaw sends a datagram as it is to the engine's RTP port.
func (c *Caller) SendRaw(_ int, data []byte) error {
	_, err := c.rtp.WriteTo(data, net.UDPAddrFromAddrPort(c.remote))
	return err
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

// Violations lists what the engine sent that a strict trunk would reject.
func (c *Caller) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// Events lists the keys the engine sent as telephone-events.
func (c *Caller) Events() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.events, "")
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

// Packets counts the RTP packets received.
func (c *Caller) Packets() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.packets
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
	if c.srv != nil {
		_ = c.srv.Close()
	}
	if c.cli != nil {
		_ = c.cli.Close()
	}
	if c.ua != nil {
		_ = c.ua.Close()
	}
	_ = c.conn.Close()
	_ = c.rtp.Close()
	_ = c.rtcp.Close()
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

// sendRTP sends the phone's next frame every 20 ms, keys in their place.
func (c *Caller) sendRTP() {
	defer c.wg.Done()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	c.seq, c.ts = 1000, 50000
	var evTS uint32
	inEvent := false
	buf := make([]byte, 1500)
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
		var p rtp.Packet
		select {
		case o := <-c.sending:
			if !inEvent {
				evTS, inEvent = c.ts, true
			}
			p = rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: o.pt, Marker: o.marker, Timestamp: evTS}, Payload: o.payload}
			if o.payload[1]&0x80 != 0 {
				inEvent = false
			}
		default:
			p = rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, Timestamp: c.ts}, Payload: c.Phone.Next()}
		}
		if c.mute.Load() {
			continue
		}
		p.SequenceNumber, p.SSRC = c.seq, 0x5157
		c.seq++
		c.ts += 160
		n, err := p.MarshalTo(buf)
		if err != nil {
			continue
		}
		if _, err := c.rtp.WriteTo(buf[:n], net.UDPAddrFromAddrPort(c.remote)); err != nil {
			return
		}
		c.Phone.Play() // the engine paces its audio: no marks travel on RTP
	}
}

// readRTP takes the engine's packets, checking them as a strict trunk.
func (c *Caller) readRTP() {
	defer c.wg.Done()
	buf := make([]byte, 1500)
	var cut cutWatch
	for {
		n, _, err := c.rtp.ReadFrom(buf)
		if err != nil {
			return
		}
		var p rtp.Packet
		if err := p.Unmarshal(buf[:n]); err != nil {
			c.violate("undecodable RTP: %v", err)
			continue
		}
		c.check(&p)
		switch {
		case p.PayloadType == 0:
			if len(p.Payload) != 160 {
				c.violate("a %d-byte PCMU payload, not 20 ms", len(p.Payload))
			}
			c.Phone.Receive(append([]byte(nil), p.Payload...))
			cut.frame(c.Phone, p.Payload)
		case int(p.PayloadType) == c.answer.EventType:
			c.mu.Lock()
			if !c.anyEv || p.Timestamp != c.lastEvTS {
				c.anyEv, c.lastEvTS = true, p.Timestamp
				if len(p.Payload) >= 4 && p.Payload[0] < 16 {
					c.events = append(c.events, string("0123456789*#ABCD"[p.Payload[0]]))
				}
			}
			c.mu.Unlock()
		default:
			c.violate("unexpected payload type %d", p.PayloadType)
		}
	}
}

func (c *Caller) check(p *rtp.Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.packets++
	if c.packets == 1 {
		c.ssrc, c.lastSeq, c.lastTS = p.SSRC, p.SequenceNumber, p.Timestamp
		return
	}
	if p.SSRC != c.ssrc {
		c.violations = append(c.violations, "the SSRC changed")
	}
	if p.SequenceNumber != c.lastSeq+1 {
		c.violations = append(c.violations, "sequence "+strconv.Itoa(int(p.SequenceNumber))+" after "+strconv.Itoa(int(c.lastSeq)))
	}
	if p.PayloadType == 0 && c.lastTS != p.Timestamp && (p.Timestamp-c.lastTS)%160 != 0 {
		c.violations = append(c.violations, fmt.Sprintf("timestamp %d after %d", p.Timestamp, c.lastTS))
	}
	c.lastSeq = p.SequenceNumber
	if p.PayloadType == 0 {
		c.lastTS = p.Timestamp
	}
}

func (c *Caller) violate(format string, args ...any) {
	c.mu.Lock()
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// Hold sends a re-INVITE offering direction (sendonly to hold,
// sendrecv to resume) and returns the direction answered.
func (c *Caller) Hold(ctx context.Context, direction string) (sdp.Direction, error) {
	port := c.rtp.LocalAddr().(*net.UDPAddr).Port
	offer := strings.Replace(string(defaultOffer(port)), "a=sendrecv", "a="+direction, 1)
	uri := c.dialog.InviteResponse.Contact().Address
	req := sip.NewRequest(sip.INVITE, uri)
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody([]byte(offer))
	res, err := c.dialog.Do(ctx, req)
	if err != nil {
		return 0, err
	}
	if !res.IsSuccess() {
		return 0, &ErrRefused{Code: res.StatusCode, Reason: res.Reason}
	}
	if err := c.dialog.WriteRequest(sip.NewRequest(sip.ACK, uri)); err != nil {
		return 0, err
	}
	a, err := sdp.Parse(res.Body())
	if err != nil {
		return 0, err
	}
	return a.Direction, nil
}

// StopMedia stops sending RTP, as a trunk that lost the caller's audio
// does; the call stays up.
func (c *Caller) StopMedia() { c.mute.Store(true) }

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
