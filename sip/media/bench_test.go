package media

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

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

// BenchmarkFirstFrame is how long a reply's first frame, queued while the
// session sends silence, takes to reach the far end's socket on loopback:
// the wait for the session's next send plus the send. Frames are queued
// after a silence (two packets or more) at a random phase of the 20 ms
// send grid, as a reply's audio arrives.
func BenchmarkFirstFrame(b *testing.B) {
	rtpConn, rtcpConn, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		b.Fatal(err)
	}
	far, farRTCP, err := Listen(netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		b.Fatal(err)
	}
	defer far.Close()
	defer farRTCP.Close()
	s := Start(Config{RTP: rtpConn, RTCP: rtcpConn, Remote: far.LocalAddr().(*net.UDPAddr).AddrPort(), Payload: 0, EventType: 101,
		Silence: make([]byte, 160), Events: discard{}})
	defer s.Close()
	speech := make([]byte, 160)
	speech[0] = 1
	buf := make([]byte, 1500)
	waits := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		time.Sleep(2*tick + time.Duration(rand.Int64N(int64(tick)))) // silence, then a random phase of the grid
		at := time.Now()
		if err := s.SendAudio(speech); err != nil {
			b.Fatal(err)
		}
		for {
			n, _, err := far.ReadFrom(buf)
			if err != nil {
				b.Fatal(err)
			}
			var p rtp.Packet
			if p.Unmarshal(buf[:n]) == nil && len(p.Payload) == 160 && p.Payload[0] == 1 {
				break
			}
		}
		waits = append(waits, time.Since(at))
	}
	b.StopTimer()
	slices.Sort(waits)
	b.ReportMetric(float64(waits[len(waits)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds())/1000, "p99-ms")
}
