package media

import (
	"net/netip"
	"testing"

	"github.com/pion/rtp"
)

type discard struct{}

func (discard) Audio([]byte) {}
func (discard) DTMF(string)  {}
func (discard) Mark(string)  {}
func (discard) Idle()        {}

// BenchmarkReceive is the engine's cost of one caller packet (20 ms of
// PCMU): decode, source checks, reception statistics, jitter buffer and
// re-framing into the call's frame; the socket read is not included.
func BenchmarkReceive(b *testing.B) {
	rtpConn, rtcpConn, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		b.Fatal(err)
	}
	s := Start(Config{RTP: rtpConn, RTCP: rtcpConn, Payload: 0, EventType: 101, Silence: make([]byte, 160), Events: discard{}})
	defer s.Close()
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	pkts := make([][]byte, 1<<16) // a whole sequence-number cycle: none is late
	for i := range pkts {
		p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 160, SSRC: 1}, Payload: make([]byte, 160)}
		pkts[i], _ = p.Marshal()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.receive(pkts[i%len(pkts)], from)
	}
}
