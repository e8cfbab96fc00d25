package siptest

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/sip/media"
	"github.com/switchboard-voice/switchboard/sip/sdp"
)

// stream is a test party's RTP side: a phone that speaks the engine's
// audio and hears it, checking the packets as a strict trunk would.
type stream struct {
	Phone *phone.Phone

	rtp    net.PacketConn
	rtcp   net.PacketConn // held so the engine's reports reach no one else's socket
	answer *sdp.Offer
	remote netip.AddrPort
	quit   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once

	smu        sync.Mutex
	violations []string
	events     []string // keys received as telephone-events
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

func newStream() (*stream, error) {
	conn, rtcp, err := media.Listen(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	if err != nil {
		return nil, err
	}
	return &stream{Phone: phone.New(nil), rtp: conn, rtcp: rtcp, quit: make(chan struct{}), sending: make(chan outPkt, 64)}, nil
}

// port is where the stream receives RTP.
func (c *stream) port() int { return c.rtp.LocalAddr().(*net.UDPAddr).Port }

// close stops the media (a callee's call; the caller closes its own).
func (c *stream) close() {
	c.closed.Do(func() {
		close(c.quit)
		c.closeMedia()
	})
	c.wg.Wait()
}

// closeMedia closes the RTP and RTCP sockets.
func (c *stream) closeMedia() {
	_ = c.rtp.Close()
	_ = c.rtcp.Close()
}

// inDialog sends requests in a call's dialog (sipgo's client or server
// session).
type inDialog interface {
	Do(ctx context.Context, req *sip.Request) (*sip.Response, error)
	WriteRequest(req *sip.Request) error
}

// hold sends a re-INVITE to uri offering direction and returns the
// direction answered.
func (c *stream) hold(ctx context.Context, d inDialog, uri sip.Uri, direction string) (sdp.Direction, error) {
	offer := strings.Replace(string(defaultOffer(c.port())), "a=sendrecv", "a="+direction, 1)
	req := sip.NewRequest(sip.INVITE, uri)
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody([]byte(offer))
	res, err := d.Do(ctx, req)
	if err != nil {
		return 0, err
	}
	if !res.IsSuccess() {
		return 0, &ErrRefused{Code: res.StatusCode, Reason: res.Reason}
	}
	if err := d.WriteRequest(sip.NewRequest(sip.ACK, uri)); err != nil {
		return 0, err
	}
	a, err := sdp.Parse(res.Body())
	if err != nil {
		return 0, err
	}
	return a.Direction, nil
}

// run starts the media with the engine's description.
func (c *stream) run(far *sdp.Offer) {
	c.answer, c.remote = far, netip.AddrPortFrom(far.Addr, uint16(far.Port))
	c.wg.Add(2)
	go c.readRTP()
	go c.sendRTP()
}

// Answer is the engine's description: its answer to a call placed at
// it, its offer of a call it placed.
func (c *stream) Answer() *sdp.Offer { return c.answer }

// Say speaks words into the call.
func (c *stream) Say(text string) { c.Phone.Say(text) }

// Press sends keys as RFC 4733 telephone-events.
func (c *stream) Press(digits string) error {
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
func (c *stream) SendRaw(_ int, data []byte) error {
	_, err := c.rtp.WriteTo(data, net.UDPAddrFromAddrPort(c.remote))
	return err
}

// Violations lists what the engine sent that a strict trunk would reject.
func (c *stream) Violations() []string {
	c.smu.Lock()
	defer c.smu.Unlock()
	return append([]string(nil), c.violations...)
}

// Events lists the keys the engine sent as telephone-events.
func (c *stream) Events() string {
	c.smu.Lock()
	defer c.smu.Unlock()
	return strings.Join(c.events, "")
}

// Packets counts the RTP packets received.
func (c *stream) Packets() int {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.packets
}

// sendRTP sends the phone's next frame every 20 ms, keys in their place.
func (c *stream) sendRTP() {
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
func (c *stream) readRTP() {
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
			c.smu.Lock()
			if !c.anyEv || p.Timestamp != c.lastEvTS {
				c.anyEv, c.lastEvTS = true, p.Timestamp
				if len(p.Payload) >= 4 && p.Payload[0] < 16 {
					c.events = append(c.events, string("0123456789*#ABCD"[p.Payload[0]]))
				}
			}
			c.smu.Unlock()
		default:
			c.violate("unexpected payload type %d", p.PayloadType)
		}
	}
}

func (c *stream) check(p *rtp.Packet) {
	c.smu.Lock()
	defer c.smu.Unlock()
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

func (c *stream) violate(format string, args ...any) {
	c.smu.Lock()
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
	c.smu.Unlock()
}

// StopMedia stops sending RTP, as a trunk that lost the caller's audio
// does; the call stays up.
func (c *stream) StopMedia() { c.mute.Store(true) }
