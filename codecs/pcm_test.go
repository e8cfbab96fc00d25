package codecs

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"
)

func TestPCM16ByteOrder(t *testing.T) {
	in := []int16{0x1234, -2, math.MinInt16}
	le := EncodePCM16LE(nil, in)
	if want := []byte{0x34, 0x12, 0xFE, 0xFF, 0x00, 0x80}; !bytes.Equal(le, want) {
		t.Errorf("EncodePCM16LE = % X, want % X", le, want)
	}
	be := EncodePCM16BE([]byte{9}, in)
	if want := []byte{9, 0x12, 0x34, 0xFF, 0xFE, 0x80, 0x00}; !bytes.Equal(be, want) {
		t.Errorf("EncodePCM16BE = % X, want % X", be, want)
	}
	all := allInt16()
	for _, c := range []struct {
		name string
		enc  func([]byte, []int16) []byte
		dec  func([]int16, []byte) ([]int16, error)
	}{{"LE", EncodePCM16LE, DecodePCM16LE}, {"BE", EncodePCM16BE, DecodePCM16BE}} {
		got, err := c.dec([]int16{7}, c.enc(nil, all))
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != 7 || !slices.Equal(got[1:], all) {
			t.Errorf("%s: round trip over all int16 values failed", c.name)
		}
		dst := []int16{1, 2}
		got, err = c.dec(dst, []byte{1, 2, 3})
		if !errors.Is(err, ErrOddLength) || !slices.Equal(got, dst) {
			t.Errorf("%s: odd length: got %v, %v", c.name, got, err)
		}
	}
}

func TestPCM16NoAllocs(t *testing.T) {
	pcm := speechLikeFrame()
	b := make([]byte, 0, 2*len(pcm))
	s := make([]int16, 0, len(pcm))
	if n := testing.AllocsPerRun(100, func() {
		b = EncodePCM16BE(b[:0], pcm)
		s, _ = DecodePCM16BE(s[:0], b)
	}); n != 0 {
		t.Errorf("%v allocations per frame", n)
	}
}

func TestFloat32Conversion(t *testing.T) {
	all := allInt16()
	f := Int16ToFloat32(nil, all)
	if f[0] != -1 || f[len(f)-1] != float32(32767)/32768 {
		t.Errorf("scale: %v … %v", f[0], f[len(f)-1])
	}
	if back := Float32ToInt16(nil, f); !slices.Equal(back, all) {
		t.Error("Float32ToInt16 does not invert Int16ToFloat32")
	}
	nan := float32(math.NaN())
	in := []float32{1.5, -1.5, float32(math.Inf(1)), float32(math.Inf(-1)), nan, 0.5 / 32768, -0.5 / 32768, 1.49 / 32768}
	want := []int16{32767, -32768, 32767, -32768, 0, 1, -1, 1}
	if got := Float32ToInt16(nil, in); !slices.Equal(got, want) {
		t.Errorf("Float32ToInt16(%v) = %v, want %v", in, got, want)
	}
}

func TestApplyGain(t *testing.T) {
	all := allInt16()
	pcm := slices.Clone(all)
	ApplyGain(pcm, 1)
	if !slices.Equal(pcm, all) {
		t.Error("gain 1 changed samples")
	}
	cases := []struct {
		gain float64
		in   []int16
		want []int16
	}{
		{0.5, []int16{1000, -1000, 3, -32768}, []int16{500, -500, 2, -16384}},
		{2, []int16{1000, 20000, -20000}, []int16{2000, 32767, -32768}},
		{-1, []int16{5, -32768}, []int16{-5, 32767}},
		{0, []int16{123, -4}, []int16{0, 0}},
		{math.NaN(), []int16{123}, []int16{0}},
		{1e9, []int16{1, -1, 0}, []int16{256, -256, 0}}, // clamped to 256
	}
	for _, c := range cases {
		got := slices.Clone(c.in)
		ApplyGain(got, c.gain)
		if !slices.Equal(got, c.want) {
			t.Errorf("ApplyGain(%v, %v) = %v, want %v", c.in, c.gain, got, c.want)
		}
	}
}

func TestInterleave(t *testing.T) {
	got := Interleave([]int16{9}, []int16{1, 2, 3}, []int16{-1})
	if want := []int16{9, 1, -1, 2, 0, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("Interleave = %v, want %v", got, want)
	}
}

func FuzzDecodePCM16(f *testing.F) {
	f.Add([]byte{0x34, 0x12, 0xFF})
	f.Add([]byte{0x00, 0x80, 0xFF, 0x7F})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []struct {
			enc func([]byte, []int16) []byte
			dec func([]int16, []byte) ([]int16, error)
		}{{EncodePCM16LE, DecodePCM16LE}, {EncodePCM16BE, DecodePCM16BE}} {
			pcm, err := c.dec(nil, b)
			if len(b)%2 != 0 {
				if !errors.Is(err, ErrOddLength) || len(pcm) != 0 {
					t.Fatalf("odd input: %v, %d samples", err, len(pcm))
				}
				continue
			}
			if err != nil || !bytes.Equal(c.enc(nil, pcm), b) {
				t.Fatalf("round trip failed: %v", err)
			}
		}
	})
}
