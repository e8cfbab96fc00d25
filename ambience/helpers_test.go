package ambience

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	ulaw8k  = voice.Telephony
	pcm16k  = voice.Format{Encoding: voice.PCM16, SampleRate: 16000}
	formats = []voice.Format{ulaw8k, pcm16k}
)

// tone is n samples of amp·sin(2πf·i/rate).
func tone(n, rate int, f, amp float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate))))
	}
	return s
}

// wavFile is a WAV file of interleaved pcm.
func wavFile(t testing.TB, f codecs.WAVFormat, pcm []int16) []byte {
	t.Helper()
	var b seekBuffer
	w, err := codecs.NewWAVWriter(&b, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.buf
}

// mp3File is an MP3 file of interleaved pcm, encoded by LAME.
func mp3File(t testing.TB, rate, channels int, pcm []int16) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.mp3")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := codecs.NewMP3Encoder(f, codecs.MP3Options{SampleRate: rate, Channels: channels})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seekBuffer is an in-memory io.WriteSeeker.
type seekBuffer struct {
	buf []byte
	off int
}

func (b *seekBuffer) Write(p []byte) (int, error) {
	if need := b.off + len(p); need > len(b.buf) {
		b.buf = append(b.buf, make([]byte, need-len(b.buf))...)
	}
	copy(b.buf[b.off:], p)
	b.off += len(p)
	return len(p), nil
}

func (b *seekBuffer) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		b.off = int(off)
	case io.SeekCurrent:
		b.off += int(off)
	case io.SeekEnd:
		b.off = len(b.buf) + int(off)
	}
	return int64(b.off), nil
}

var _ io.WriteSeeker = (*seekBuffer)(nil)

// decodeFrames decodes frames in format f.
func decodeFrames(t testing.TB, f voice.Format, b []byte) []int16 {
	t.Helper()
	if f.Encoding == voice.ULaw {
		return codecs.DecodeUlaw(nil, b)
	}
	pcm, err := codecs.DecodePCM16LE(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	return pcm
}

// amplitude estimates the amplitude of the f Hz component of x, over a
// whole number of its periods.
func amplitude(x []int16, rate int, f float64) float64 {
	n := int(math.Floor(float64(len(x))*f/float64(rate)) * float64(rate) / f)
	var s, c float64
	for i, v := range x[:n] {
		w := 2 * math.Pi * f * float64(i) / float64(rate)
		s += float64(v) * math.Sin(w)
		c += float64(v) * math.Cos(w)
	}
	return 2 * math.Hypot(s, c) / float64(n)
}

func db(ratio float64) float64 { return 20 * math.Log10(ratio) }

// load decodes data or fails the test.
func load(t testing.TB, data []byte) *Sound {
	t.Helper()
	s, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
