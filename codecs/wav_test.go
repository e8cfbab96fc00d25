package codecs

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncoding(t *testing.T) {
	for e, want := range map[Encoding]string{EncodingUnknown: "unknown", EncodingPCM16: "pcm16", EncodingUlaw: "ulaw", EncodingAlaw: "alaw", Encoding(9): "unknown"} {
		if e.String() != want {
			t.Errorf("Encoding(%d).String() = %q, want %q", e, e.String(), want)
		}
	}
	pcm := []int16{0, 1000, -1000, 32767, -32768}
	for _, e := range []Encoding{EncodingPCM16, EncodingUlaw, EncodingAlaw} {
		b := e.encode(nil, pcm)
		if len(b) != len(pcm)*e.bytesPerSample() || len(e.decode(nil, b)) != len(pcm) {
			t.Errorf("%v: %d bytes for %d samples", e, len(b), len(pcm))
		}
	}
}

func TestWAVFormatValidate(t *testing.T) {
	for _, f := range []WAVFormat{
		{EncodingUnknown, 8000, 1}, {EncodingPCM16, 0, 1}, {EncodingPCM16, 8000, 0},
		{EncodingUlaw, 8000, maxWAVChannels + 1}, {EncodingAlaw, maxWAVRate + 1, 1},
	} {
		if err := f.validate(); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("%+v: %v", f, err)
		}
	}
	if err := (WAVFormat{EncodingPCM16, 48000, 2}).validate(); err != nil {
		t.Error(err)
	}
}

// TestWAVFmtChunk pins the fmt chunks: 16 bytes for PCM, and for G.711 the
// 18-byte form with a zero cbSize that sox also writes.
func TestWAVFmtChunk(t *testing.T) {
	for f, want := range map[WAVFormat][]byte{
		{EncodingPCM16, 16000, 2}: {1, 0, 2, 0, 0x80, 0x3e, 0, 0, 0, 0xfa, 0, 0, 4, 0, 16, 0},
		{EncodingUlaw, 8000, 1}:   {7, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x40, 0x1f, 0, 0, 1, 0, 8, 0, 0, 0},
		{EncodingAlaw, 8000, 1}:   {6, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x40, 0x1f, 0, 0, 1, 0, 8, 0, 0, 0},
	} {
		if got := f.fmtChunk(); !bytes.Equal(got, want) {
			t.Errorf("%+v: fmt chunk % x, want % x", f, got, want)
		}
	}
}
