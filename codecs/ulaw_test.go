package codecs

import "testing"

// specUlaw decodes one code straight from the G.711 μ-law formula.
func specUlaw(c byte) int16 {
	u := ^c
	exp := (u >> 4) & 7
	mant := int32(u & 0x0F)
	mag := ((mant << 3) + 0x84) << exp
	mag -= 0x84
	if u&0x80 != 0 {
		return int16(-mag)
	}
	return int16(mag)
}

// sunUlaw is the sign/bias/clip encoder of Sun g711.c.
func sunUlaw(s int16) byte {
	x := int32(s)
	sign := byte(0)
	if x < 0 {
		sign, x = 0x80, -x
	}
	x = min(x, 32635) + 0x84
	exp := byte(0)
	for v := x >> 8; v != 0; v >>= 1 {
		exp++
	}
	mant := byte(x>>(exp+3)) & 0x0F
	return ^(sign | exp<<4 | mant)
}

func TestUlawVectors(t *testing.T) {
	ulawDec := map[byte]int16{0xFF: 0, 0x7F: 0, 0x00: -32124, 0x80: 32124, 0xFE: 8, 0x7E: -8,
		0x01: -31100, 0x81: 31100, 0xEF: 132, 0x6F: -132}
	for c, want := range ulawDec {
		if got := DecodeUlaw(nil, []byte{c})[0]; got != want {
			t.Errorf("DecodeUlaw(%#02x) = %d, want %d", c, got, want)
		}
	}
	ulawEnc := map[int16]byte{0: 0xFF, -1: 0x7F, 8: 0xFE, 100: 0xF2, -100: 0x72, 1000: 0xCE,
		-1000: 0x4E, 32767: 0x80, -32768: 0x00}
	for x, want := range ulawEnc {
		if got := EncodeUlaw(nil, []int16{x})[0]; got != want {
			t.Errorf("EncodeUlaw(%d) = %#02x, want %#02x", x, got, want)
		}
	}
	sine := []int16{0, 11314, 16000, 11314, 0, -11314, -16000, -11314}
	if got, want := EncodeUlaw(nil, sine), []byte{0xFF, 0x99, 0x90, 0x99, 0xFF, 0x19, 0x10, 0x19}; string(got) != string(want) {
		t.Errorf("EncodeUlaw(1 kHz sine) = % X, want % X", got, want)
	}
	if UlawSilence != EncodeUlaw(nil, []int16{0})[0] {
		t.Error("UlawSilence does not encode zero")
	}
}

func FuzzDecodeUlaw(f *testing.F) { fuzzG711(f, g711Laws[0]) }
