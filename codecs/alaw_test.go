package codecs

import "testing"

// specAlaw decodes one code straight from the G.711 A-law formula.
func specAlaw(c byte) int16 {
	a := c ^ 0x55
	t := int32(a&0x0F) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// sunAlaw is the 13-bit A-law encoder (Sun g711.c, CPython audioop).
func sunAlaw(s int16) byte {
	p := int32(s) >> 3
	mask := byte(0xD5)
	if p < 0 {
		mask, p = 0x55, -p-1
	}
	segEnd := [8]int32{0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF}
	seg := 0
	for seg < 8 && p > segEnd[seg] {
		seg++
	}
	if seg == 8 {
		return 0x7F ^ mask
	}
	a := byte(seg << 4)
	if seg < 2 {
		a |= byte(p>>1) & 0x0F
	} else {
		a |= byte(p>>seg) & 0x0F
	}
	return a ^ mask
}

func TestAlawVectors(t *testing.T) {
	alawDec := map[byte]int16{0xD5: 8, 0x55: -8, 0xAA: 32256, 0x2A: -32256, 0x80: 5504, 0x00: -5504}
	for c, want := range alawDec {
		if got := DecodeAlaw(nil, []byte{c})[0]; got != want {
			t.Errorf("DecodeAlaw(%#02x) = %d, want %d", c, got, want)
		}
	}
	alawEnc := map[int16]byte{0: 0xD5, -1: 0x55, 32767: 0xAA, -32768: 0x2A}
	for x, want := range alawEnc {
		if got := EncodeAlaw(nil, []int16{x})[0]; got != want {
			t.Errorf("EncodeAlaw(%d) = %#02x, want %#02x", x, got, want)
		}
	}
	if AlawSilence != EncodeAlaw(nil, []int16{0})[0] {
		t.Error("AlawSilence does not encode zero")
	}
}

func FuzzDecodeAlaw(f *testing.F) { fuzzG711(f, g711Laws[1]) }
