package media

import (
	"encoding/binary"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"go.uber.org/goleak"
)

type recorder struct {
	mu     sync.Mutex
	frames int
	keys   string
	marks  []string
}

func (r *recorder) Audio([]byte)  { r.mu.Lock(); r.frames++; r.mu.Unlock() }
func (r *recorder) DTMF(d string) { r.mu.Lock(); r.keys += d; r.mu.Unlock() }
func (r *recorder) Mark(n string) { r.mu.Lock(); r.marks = append(r.marks, n); r.mu.Unlock() }
func (r *recorder) Idle()         {}

func (r *recorder) state() (int, string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.frames, r.keys, len(r.marks)
}

// The far end's stream comes from another port than its description
// said (a NAT): replies follow it, its packets become frames and keys,
// and RTCP reports reach the port after its source.
func TestSessionSymmetricRTPAndReports(t *testing.T) {
	defer goleak.VerifyNone(t)
	rtpConn, rtcpConn, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	far, farRTCP, err := Listen(netip.MustParseAddr("127.0.0.1")) // the far end's pair
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	defer farRTCP.Close()
	ev := &recorder{}
	silence := make([]byte, 160)
	for i := range silence {
		silence[i] = 0xff
	}
	s := Start(Config{RTP: rtpConn, RTCP: rtcpConn, Remote: netip.MustParseAddrPort("127.0.0.1:9"), Payload: 0, EventType: 101,
		Silence: silence, Events: ev})
	defer s.Close()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.LocalPort()}
	send := func(seq uint16, pt uint8, ts uint32, payload []byte) {
		p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts, SSRC: 7}, Payload: payload}
		b, _ := p.Marshal()
		if _, err := far.WriteTo(b, to); err != nil {
			t.Fatal(err)
		}
	}
	for i := uint16(0); i < 10; i++ {
		send(100+i, 0, uint32(i)*160, make([]byte, 160))
	}
	for i := uint16(0); i < 3; i++ { // key 5, its updates and end share a timestamp
		send(110+i, 101, 1600, binary.BigEndian.AppendUint16([]byte{5, 10}, uint16(i+1)*160))
	}
	for i := uint16(0); i < 4; i++ {
		send(113+i, 0, 1600+uint32(i)*160, make([]byte, 160))
	}
	_ = s.SendAudio(make([]byte, 160))
	_ = s.SendMark("m1")

	deadline := time.Now().Add(20 * time.Second)
	var sawSR bool
	buf := make([]byte, 1500)
	_ = far.SetReadDeadline(deadline)
	var got rtp.Packet
	n, _, err := far.ReadFrom(buf)
	if err != nil || got.Unmarshal(buf[:n]) != nil || got.PayloadType != 0 || len(got.Payload) != 160 {
		t.Fatalf("no RTP reply at the stream's source: %v", err)
	}
	_ = farRTCP.SetReadDeadline(deadline)
	for !sawSR {
		n, _, err := farRTCP.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no RTCP report: %v", err)
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		if sr, ok := pkts[0].(*rtcp.SenderReport); ok {
			sawSR = sr.PacketCount > 0 && len(sr.Reports) == 1 && sr.Reports[0].SSRC == 7 && sr.Reports[0].LastSequenceNumber == 116
		}
	}
	frames, keys, marks := ev.state()
	if frames != 14 || keys != "5" || marks != 1 {
		t.Fatalf("frames %d, keys %q, marks %d", frames, keys, marks)
	}
}

// A reply's first frame is sent at once, ahead of the 20 ms grid, and the
// grid moves back at the next silence: however many replies, the far end
// gets no more packets than the time elapsed holds (a stream running fast
// would fill its jitter buffer), in sequence, 160 samples apart.
func TestTalkspurtsKeepThePace(t *testing.T) {
	defer goleak.VerifyNone(t)
	rtpConn, rtcpConn, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	far, farRTCP, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	defer farRTCP.Close()
	began := time.Now()
	s := Start(Config{RTP: rtpConn, RTCP: rtcpConn, Remote: far.LocalAddr().(*net.UDPAddr).AddrPort(), Payload: 0, EventType: 101,
		Silence: make([]byte, 160), Events: &recorder{}})
	speech := make([]byte, 160)
	speech[0] = 1
	var packets int
	var last rtp.Packet
	buf := make([]byte, 1500)
	_ = far.SetReadDeadline(time.Now().Add(time.Minute))
	read := func() rtp.Packet {
		n, _, err := far.ReadFrom(buf)
		var p rtp.Packet
		if err != nil || p.Unmarshal(buf[:n]) != nil {
			t.Fatalf("reading RTP: %v", err)
		}
		if packets > 0 && (p.SequenceNumber != last.SequenceNumber+1 || p.Timestamp != last.Timestamp+160) {
			t.Fatalf("packet %d/%d after %d/%d", p.SequenceNumber, p.Timestamp, last.SequenceNumber, last.Timestamp)
		}
		packets++
		last = p
		return p
	}
	for range 40 {
		for range 2 { // silence goes out
			for read().Payload[0] == 1 {
			}
		}
		if err := s.SendAudio(speech); err != nil {
			t.Fatal(err)
		}
		for read().Payload[0] != 1 {
		}
	}
	s.Close()
	if most := int(time.Since(began)/tick) + 2; packets > most {
		t.Fatalf("%d packets in %v: the stream ran ahead of the clock (at most %d)", packets, time.Since(began), most)
	}
}
