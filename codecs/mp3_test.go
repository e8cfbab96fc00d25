package codecs

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// decodeMP3 decodes path with mpg123 and with sox and returns each result.
func decodeMP3(t *testing.T, path string) map[string]*decodedAudio {
	t.Helper()
	mpg123, sox := requireTool(t, "mpg123"), requireTool(t, "sox")
	results := map[string]*decodedAudio{}
	for name, args := range map[string][]string{
		"mpg123": {mpg123, "-q", "-w", path + ".mpg123.wav", path},
		"sox":    {sox, "-V1", path, path + ".sox.wav"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		b, err := os.ReadFile(path + "." + name + ".wav")
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewWAVReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s output: %v", name, err)
		}
		results[name] = &decodedAudio{format: r.Format(), samples: readAllSamples(t, r, 4096)}
	}
	return results
}

type decodedAudio struct {
	format  WAVFormat
	samples []int16
}

func (d *decodedAudio) channel(c int) []int16 {
	var s []int16
	for i := c; i < len(d.samples); i += d.format.Channels {
		s = append(s, d.samples[i])
	}
	return s
}

// encodeMP3File encodes pcm in 20 ms frames into a file and returns its path.
func encodeMP3File(t *testing.T, o MP3Options, pcm []int16) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.mp3")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := NewMP3Encoder(f, o)
	if err != nil {
		t.Fatal(err)
	}
	frame := FrameSamples(o.SampleRate) * o.Channels
	for i := 0; i < len(pcm); i += frame {
		if err := e.WriteSamples(pcm[i:min(i+frame, len(pcm))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// mp3FrameSamples is the number of samples per channel in one MP3 frame.
func mp3FrameSamples(rate int) int {
	if rate >= 32000 {
		return 1152
	}
	return 576
}

// lameDelay is the encoder delay LAME reports in its tag (576) plus the
// decoder delay of layer III synthesis (529).
const lameDelay = 1105

// checkDecoded checks one decoder's output of an encoded tone: format,
// frequency, that every encoded sample is there (from the first loud sample
// to the last), and the length. mpg123 applies the LAME tag and must return
// the input length within one MP3 frame. sox (libmad) has no gapless
// decoding: it returns LAME's delay, the tag frame as silence and the
// padding, so its length is bounded by those instead.
func checkDecoded(t *testing.T, name string, d *decodedAudio, want WAVFormat, in []int16, freqs ...float64) {
	t.Helper()
	if d.format.SampleRate != want.SampleRate || d.format.Channels != want.Channels {
		t.Errorf("%s: decoded as %+v, want %+v", name, d.format, want)
		return
	}
	n, frame := len(in)/want.Channels, mp3FrameSamples(want.SampleRate)
	got := len(d.samples) / want.Channels
	minLen, maxLen := n-frame, n+frame
	if name == "sox" {
		minLen, maxLen = n+lameDelay, n+lameDelay+3*frame
	}
	if got < minLen || got > maxLen {
		t.Errorf("%s at %d Hz: %d samples per channel decoded from %d, want %d…%d", name, want.SampleRate, got, n, minLen, maxLen)
	}
	for c, f := range freqs {
		ch := d.channel(c)
		first, last := loudSpan(ch)
		if span := last - first + 1; span < n-frame/8 || span > n+frame/8 {
			t.Errorf("%s at %d Hz, channel %d: audio spans %d samples (%d…%d), encoded %d", name, want.SampleRate, c, span, first, last, n)
		}
		mid := ch[first+n/4:][:want.SampleRate/4] // a quarter second

		if got := dominantFrequency(mid, want.SampleRate); math.Abs(got-f) > 1 {
			t.Errorf("%s at %d Hz, channel %d: dominant frequency %v Hz, want %v", name, want.SampleRate, c, got, f)
		}
	}
}

// loudSpan returns the first and last index of samples above a quarter of
// the peak.
func loudSpan(x []int16) (first, last int) {
	var peak int32
	for _, s := range x {
		peak = max(peak, abs32(int32(s)))
	}
	first, last = -1, -1
	for i, s := range x {
		if abs32(int32(s)) > peak/4 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// TestMP3DecodesWithStandardDecoders encodes a 1 kHz tone at every MP3 rate
// and decodes it with mpg123 and sox.
func TestMP3DecodesWithStandardDecoders(t *testing.T) {
	for _, rate := range []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000} {
		o := MP3Options{SampleRate: rate, Channels: 1}
		pcm := tone(3*rate, rate, 1000, 16000, 0)
		for name, d := range decodeMP3(t, encodeMP3File(t, o, pcm)) {
			checkDecoded(t, name, d, WAVFormat{EncodingPCM16, rate, 1}, pcm, 1000)
		}
	}
}

func TestMP3Stereo(t *testing.T) {
	const rate = 16000
	left, right := tone(2*rate, rate, 1000, 12000, 0), tone(2*rate, rate, 2500, 12000, 0)
	pcm := Interleave(nil, left, right)
	for name, d := range decodeMP3(t, encodeMP3File(t, MP3Options{SampleRate: rate, Channels: 2}, pcm)) {
		checkDecoded(t, name, d, WAVFormat{EncodingPCM16, rate, 2}, pcm, 1000, 2500)
	}
}

// TestMP3LameTagBitrates checks the bitrate floor for the LAME tag against
// mpg123: the lowest accepted bitrate decodes to the exact length, the next
// lower one is refused.
func TestMP3LameTagBitrates(t *testing.T) {
	mpg123 := requireTool(t, "mpg123")
	for _, channels := range []int{1, 2} {
		for _, rate := range []int{8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000} {
			bitrates, _ := mp3Bitrates(rate)
			lowest := -1
			for i, br := range bitrates {
				if lameTagFits(MP3Options{rate, channels, br}) {
					lowest = i
					break
				}
			}
			if lowest < 1 {
				t.Fatalf("%d Hz: no bitrate too low for the tag", rate)
			}
			o := MP3Options{rate, channels, bitrates[lowest-1]}
			if _, err := NewMP3Encoder(&memFile{}, o); !errors.Is(err, ErrUnsupportedFormat) {
				t.Errorf("%+v: %v, want ErrUnsupportedFormat", o, err)
			}
			o.Bitrate = bitrates[lowest]
			path := encodeMP3File(t, o, make([]int16, rate/2*channels))
			if out, err := exec.Command(mpg123, "-q", "-w", path+".wav", path).CombinedOutput(); err != nil {
				t.Fatalf("mpg123: %v\n%s", err, out)
			}
			b, _ := os.ReadFile(path + ".wav")
			r, err := NewWAVReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if n := r.DataSize() / int64(2*channels); n != int64(rate/2) {
				t.Errorf("%+v: mpg123 decoded %d samples, want %d", o, n, rate/2)
			}
		}
	}
}

// TestMP3StreamEncoder writes to a non-seekable output: no LAME tag, so
// every decoder returns LAME's delay and padding, at most two frames more.
func TestMP3StreamEncoder(t *testing.T) {
	var buf bytes.Buffer
	e, err := NewMP3StreamEncoder(&buf, MP3Options{})
	if err != nil {
		t.Fatal(err)
	}
	pcm := tone(16000, 8000, 1000, 16000, 0)
	if err := e.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.mp3")
	os.WriteFile(path, buf.Bytes(), 0o600)
	for name, d := range decodeMP3(t, path) {
		if extra := len(d.samples) - len(pcm); d.format.SampleRate != 8000 || extra < lameDelay || extra > lameDelay+2*576 {
			t.Errorf("%s: %+v with %d extra samples", name, d.format, extra)
		}
		if first, last := loudSpan(d.samples); last-first+1 < len(pcm)-100 {
			t.Errorf("%s: audio spans %d samples of %d", name, last-first+1, len(pcm))
		}
	}
}

func TestMP3Options(t *testing.T) {
	for _, c := range []struct {
		o    MP3Options
		want error
	}{
		{MP3Options{SampleRate: 7000}, ErrUnsupportedRate},
		{MP3Options{Channels: 3}, ErrUnsupportedFormat},
		{MP3Options{Bitrate: 33}, ErrUnsupportedFormat},
		{MP3Options{SampleRate: 44100, Bitrate: 16}, ErrUnsupportedFormat},
	} {
		if _, err := NewMP3StreamEncoder(io.Discard, c.o); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.o, err, c.want)
		}
	}
	if _, err := NewMP3Encoder(nonSeeker{}, MP3Options{}); err == nil {
		t.Error("NewMP3Encoder accepted an output that cannot seek")
	}
}

type nonSeeker struct{ io.Writer }

func (nonSeeker) Seek(int64, int) (int64, error) { return 0, errors.New("illegal seek") }

func TestMP3EncoderLifecycle(t *testing.T) {
	e, _ := NewMP3StreamEncoder(io.Discard, MP3Options{Channels: 2})
	if err := e.WriteSamples([]int16{1, 2, 3}); !errors.Is(err, ErrOddLength) {
		t.Errorf("odd stereo samples: %v", err)
	}
	frame := make([]int16, 320)
	if n := testing.AllocsPerRun(50, func() { e.WriteSamples(frame) }); n != 0 {
		t.Errorf("%v allocations per frame", n)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.WriteSamples(frame); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	broken, _ := NewMP3StreamEncoder(&failAfter{n: 10}, MP3Options{})
	var err error
	for i := 0; err == nil && i < 100; i++ {
		err = broken.WriteSamples(make([]int16, 160))
	}
	if !errors.Is(err, errShortDisk) || !errors.Is(broken.Close(), errShortDisk) {
		t.Errorf("write error not reported: %v", err)
	}
}

func BenchmarkMP3Encode(b *testing.B) {
	for _, o := range []MP3Options{{SampleRate: 8000, Channels: 1}, {SampleRate: 8000, Channels: 2}, {SampleRate: 16000, Channels: 1}} {
		pcm := tone(FrameSamples(o.SampleRate)*o.Channels, o.SampleRate, 440, 10000, 0)
		b.Run(rateName(o.SampleRate)+map[int]string{1: "-mono", 2: "-stereo"}[o.Channels], func(b *testing.B) {
			e, _ := NewMP3StreamEncoder(io.Discard, o)
			defer e.Close()
			b.ReportAllocs()
			for b.Loop() {
				e.WriteSamples(pcm)
			}
		})
	}
}
