package audioconv

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

var (
	pcm8k  = voice.Format{Encoding: voice.PCM16, SampleRate: 8000}
	pcm24k = voice.Format{Encoding: voice.PCM16, SampleRate: 24000}
)

func samples(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

func pcmBytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func mustConverter(t testing.TB, src, dst voice.Format, gain float64) *Converter {
	t.Helper()
	c, err := New(src, dst, gain)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// convertAll converts in pieces of the given sizes, then flushes.
func convertAll(c *Converter, src []byte, sizes func() int) []byte {
	var out []byte
	for len(src) > 0 {
		n := min(sizes(), len(src))
		out = c.Convert(out, src[:n])
		src = src[n:]
	}
	return c.Flush(out)
}

func TestConverterIsIndependentOfChunking(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]byte, 2*24000)
	for i := range src {
		src[i] = byte(rng.IntN(256))
	}
	for _, dst := range []voice.Format{voice.Telephony, {Encoding: voice.ALaw, SampleRate: 8000}, {Encoding: voice.PCM16, SampleRate: 16000}} {
		whole := convertAll(mustConverter(t, pcm24k, dst, 0.8), src, func() int { return len(src) })
		pieces := convertAll(mustConverter(t, pcm24k, dst, 0.8), src, func() int { return 1 + rng.IntN(999) })
		if !bytes.Equal(whole, pieces) {
			t.Errorf("%v: converting in odd pieces differs from converting at once", dst)
		}
		if want := dst.Bytes(voice.Telephony.Duration(8000)); len(whole) < want-dst.BytesPerSample() || len(whole) > want+dst.BytesPerSample() {
			t.Errorf("%v: %d bytes for a second, want %d", dst, len(whole), want)
		}
	}
}

// TestConverterKeepsTime checks that the resampler's delay is taken out: a
// click 100 ms into the input is 100 ms into the output.
func TestConverterKeepsTime(t *testing.T) {
	in := make([]int16, 24000/2)
	in[2400] = 20000
	out := samples(convertAll(mustConverter(t, pcm24k, pcm8k, 1), pcmBytes(in), func() int { return 960 }))
	peak := 0
	for i, v := range out {
		if math.Abs(float64(v)) > math.Abs(float64(out[peak])) {
			peak = i
		}
	}
	if peak < 799 || peak > 801 {
		t.Errorf("click at output sample %d, want 800", peak)
	}
	if len(out) != 4000 {
		t.Errorf("%d output samples for 12000 in, want 4000", len(out))
	}
}

func TestConverterGainAndPassThrough(t *testing.T) {
	in := pcmBytes([]int16{1000, -2000, 300})
	if got := samples(convertAll(mustConverter(t, pcm8k, pcm8k, 0.5), in, func() int { return 3 })); got[0] != 500 || got[1] != -1000 || got[2] != 150 {
		t.Errorf("gain 0.5: %v", got)
	}
	c := mustConverter(t, voice.Telephony, voice.Telephony, 1)
	if got := c.Convert(nil, []byte{1, 2, 3}); !bytes.Equal(got, []byte{1, 2, 3}) || len(c.Flush(nil)) != 0 {
		t.Errorf("pass-through: %v", got)
	}
	if _, err := New(voice.Telephony, pcm8k, 1); err == nil {
		t.Error("converted from μ-law, which no service is asked for")
	}
}

// FuzzConverter checks that any split of any input converts like the whole.
func FuzzConverter(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7}, uint8(3), uint8(0))
	f.Add(bytes.Repeat([]byte{0x80, 0x7f}, 500), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, src []byte, step uint8, format uint8) {
		dst := []voice.Format{voice.Telephony, {Encoding: voice.PCM16, SampleRate: 16000}, pcm24k}[int(format)%3]
		whole := convertAll(mustConverter(t, pcm24k, dst, 1.5), src, func() int { return len(src) })
		pieces := convertAll(mustConverter(t, pcm24k, dst, 1.5), src, func() int { return int(step)%64 + 1 })
		if !bytes.Equal(whole, pieces) {
			t.Fatalf("pieces of %d differ from the whole", int(step)%64+1)
		}
	})
}
