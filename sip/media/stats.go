package media

import (
	"time"

	"github.com/pion/rtcp"
)

// reception is what RFC 3550 §6.4.1 and appendix A.3/A.8 count of a
// received stream, for the reception report block.
type reception struct {
	ssrc          uint32
	started       bool
	baseSeq       uint32
	maxSeq        uint16
	cycles        uint32
	received      uint32
	expectedPrior uint32
	receivedPrior uint32
	transit       int64
	jitter        float64 // in timestamp units
	lastSR        uint32  // the middle 32 bits of the last SR's NTP time
	lastSRAt      time.Time
}

func (r *reception) reset(ssrc uint32) { *r = reception{ssrc: ssrc} }

// packet counts a packet that arrived at (in the stream's 8 kHz units).
func (r *reception) packet(seq uint16, timestamp uint32, arrival int64) {
	if !r.started {
		r.started, r.baseSeq, r.maxSeq = true, uint32(seq), seq
	} else if d := seq - r.maxSeq; d < 1<<15 && d != 0 {
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
	}
	r.received++
	transit := arrival - int64(timestamp)
	if r.received > 1 {
		d := transit - r.transit
		if d < 0 {
			d = -d
		}
		r.jitter += (float64(d) - r.jitter) / 16
	}
	r.transit = transit
}

// report is the reception report block as of now.
func (r *reception) report(now time.Time) rtcp.ReceptionReport {
	extMax := r.cycles + uint32(r.maxSeq)
	expected := extMax - r.baseSeq + 1
	lost := int64(expected) - int64(r.received)
	lost = max(min(lost, 0x7fffff), -0x800000)
	expInterval := expected - r.expectedPrior
	recvInterval := r.received - r.receivedPrior
	r.expectedPrior, r.receivedPrior = expected, r.received
	var fraction uint8
	if lostInterval := int64(expInterval) - int64(recvInterval); expInterval != 0 && lostInterval > 0 {
		fraction = uint8((lostInterval << 8) / int64(expInterval))
	}
	rr := rtcp.ReceptionReport{SSRC: r.ssrc, FractionLost: fraction, TotalLost: uint32(lost) & 0xffffff,
		LastSequenceNumber: extMax, Jitter: uint32(r.jitter), LastSenderReport: r.lastSR}
	if !r.lastSRAt.IsZero() {
		rr.Delay = uint32(now.Sub(r.lastSRAt).Seconds() * 65536)
	}
	return rr
}

// ntpTime is t as a 64-bit NTP timestamp.
func ntpTime(t time.Time) uint64 {
	const unixToNTP = 2208988800
	sec := uint64(t.Unix()) + unixToNTP
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return sec<<32 | frac
}
