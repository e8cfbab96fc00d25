package media

import (
	"encoding/binary"
	"testing"
)

func audio(seq uint16) packet {
	return packet{seq: seq, timestamp: uint32(seq) * 160, pt: 0, payload: make([]byte, 160)}
}

func TestJitterReordersDropsLateAndConcealsLoss(t *testing.T) {
	var got []uint16
	var lost []int
	j := newJitter(3, 0, func(p packet, l int) { got, lost = append(got, p.seq), append(lost, l) })
	for _, s := range []uint16{10, 12, 11, 13, 13, 9} { // reordered, duplicated, late
		j.push(audio(s))
	}
	if want := []uint16{10, 11, 12, 13}; !equal(got, want) || j.late != 2 { // the second 13 came after 13 was released
		t.Fatalf("released %v (late %d)", got, j.late)
	}
	// 14 is lost: once 3 packets wait behind it, it is given up.
	for _, s := range []uint16{15, 16, 17, 18} {
		j.push(audio(s))
	}
	if want := []uint16{10, 11, 12, 13, 15, 16, 17, 18}; !equal(got, want) || lost[4] != 160 {
		t.Fatalf("released %v, lost samples %v", got, lost)
	}
	// Sequence numbers wrap.
	got = nil
	j.reset()
	for _, s := range []uint16{65534, 0, 65535, 1} {
		j.push(audio(s))
	}
	if want := []uint16{65534, 65535, 0, 1}; !equal(got, want) {
		t.Fatalf("across the wrap: %v", got)
	}
}

func equal(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEventRoundTrip(t *testing.T) {
	for i := 0; i < len(digits); i++ {
		code, ok := codeOf(digits[i])
		e := event{code: code, end: true, volume: 10, duration: 800}
		back, err := decodeEvent(e.append(nil))
		if !ok || err != nil || back != e || digitOf(back.code) != digits[i] {
			t.Fatalf("%c: %+v %v", digits[i], back, err)
		}
	}
	if _, ok := codeOf('x'); ok {
		t.Fatal("x is a key")
	}
}

// FuzzStream pushes arbitrary packets (2-byte sequence number, 1-byte
// payload type, payload length) through the jitter buffer and the event
// decoder: releases never go backwards within a stream and nothing panics.
func FuzzStream(f *testing.F) {
	f.Add([]byte{0, 10, 0, 160, 0, 12, 0, 160, 0, 11, 101, 4, 0, 9, 0, 160})
	f.Add([]byte{255, 254, 0, 20, 0, 0, 0, 20, 255, 255, 101, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		released := 0
		j := newJitter(3, 0, func(p packet, lost int) {
			released++
			if lost < 0 || lost > maxGap {
				t.Fatalf("lost %d samples", lost)
			}
			if p.pt == 101 {
				_, _ = decodeEvent(p.payload)
			}
		})
		pushed := 0
		for len(b) >= 4 {
			seq := binary.BigEndian.Uint16(b)
			n := min(int(b[3]), len(b)-4)
			j.push(packet{seq: seq, timestamp: uint32(seq) * 160, pt: b[2] & 0x7f, payload: b[4 : 4+n]})
			pushed++
			b = b[4+n:]
		}
		j.flush()
		if released > pushed {
			t.Fatalf("%d released of %d pushed", released, pushed)
		}
	})
}
