package codecs

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

type ratePair struct{ in, out int }

func (p ratePair) String() string { return rateName(p.in) + "-" + rateName(p.out) }

func allRatePairs() []ratePair {
	var pairs []ratePair
	for _, in := range resampleRates {
		for _, out := range resampleRates {
			if in != out {
				pairs = append(pairs, ratePair{in, out})
			}
		}
	}
	return pairs
}

func newTestResampler(t testing.TB, p ratePair) *Resampler {
	t.Helper()
	r, err := NewResampler(p.in, p.out)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func resampleAll(t testing.TB, p ratePair, x []int16) []int16 {
	r := newTestResampler(t, p)
	return r.Process(nil, x)
}

func TestNewResamplerRejectsRates(t *testing.T) {
	for _, p := range []ratePair{{8000, 11025}, {0, 8000}, {32000, 48000}, {8000, -1}} {
		if _, err := NewResampler(p.in, p.out); !errors.Is(err, ErrUnsupportedRate) {
			t.Errorf("NewResampler(%d, %d) = %v, want ErrUnsupportedRate", p.in, p.out, err)
		}
	}
}

func TestResamplerSameRateCopies(t *testing.T) {
	r, err := NewResampler(16000, 16000)
	if err != nil {
		t.Fatal(err)
	}
	x := tone(320, 16000, 440, 9000, 0)
	if got := r.Process(nil, x); !slices.Equal(got, x) || r.Delay() != 0 || len(r.Flush(nil)) != 0 {
		t.Error("same-rate resampler is not a pass-through")
	}
}

// TestResamplerFrameSizes checks that every 20 ms frame in gives exactly one
// 20 ms frame out, from the first frame on.
func TestResamplerFrameSizes(t *testing.T) {
	for _, p := range allRatePairs() {
		r := newTestResampler(t, p)
		in := make([]int16, FrameSamples(p.in))
		for i := range 50 {
			if n := len(r.Process(nil, in)); n != FrameSamples(p.out) {
				t.Fatalf("%v: frame %d gave %d samples, want %d", p, i, n, FrameSamples(p.out))
			}
		}
	}
}

// TestResamplerStreamingEqualsOneShot feeds the same signal in one call, in
// 20 ms frames and in random chunks; all must match sample for sample,
// including the flushed tail.
func TestResamplerStreamingEqualsOneShot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range allRatePairs() {
		x := whiteNoise(rng, p.in/2, 12000) // 0.5 s
		MixInto(x, tone(len(x), p.in, 440, 8000, 0), 1)

		r := newTestResampler(t, p)
		want := r.Flush(r.Process(nil, x))

		frame := FrameSamples(p.in)
		var framed []int16
		for i := 0; i < len(x); i += frame {
			framed = r.Process(framed, x[i:min(i+frame, len(x))])
		}
		framed = r.Flush(framed)

		var chunked []int16
		for rest := x; len(rest) > 0; {
			n := min(1+rng.IntN(3000), len(rest))
			chunked = r.Process(chunked, rest[:n])
			rest = rest[n:]
		}
		chunked = r.Flush(chunked)

		if !slices.Equal(framed, want) || !slices.Equal(chunked, want) {
			t.Errorf("%v: streamed output differs from one-shot conversion", p)
		}
		total := int(math.Ceil((float64(len(x)) + math.Ceil(r.bank.delay)) * float64(p.out) / float64(p.in)))
		if len(want) != total {
			t.Errorf("%v: %d samples after Flush, want %d", p, len(want), total)
		}
	}
}

// TestResamplerMatchesReference recomputes the conversion in float64 straight
// from the prototype phases, so the folded and mirrored kernels and the
// phase bookkeeping are checked against the textbook polyphase sum.
func TestResamplerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range allRatePairs() {
		x := whiteNoise(rng, p.in/10, 20000)
		got := resampleAll(t, p, x)
		phases, taps := prototype(p.in, p.out)
		g := gcd(p.in, p.out)
		l, m := p.out/g, p.in/g
		for j := range got {
			u := j * m
			n, ph := u/l, u%l
			var y float64
			for k := range taps { // phases are stored oldest sample first
				if i := n - (taps - 1) + k; i >= 0 {
					y += phases[ph][k] * float64(x[i])
				}
			}
			y = min(max(y, math.MinInt16), math.MaxInt16)
			if d := math.Abs(float64(got[j]) - y); d > 1 {
				t.Fatalf("%v: output %d = %d, reference %.3f", p, j, got[j], y)
			}
		}
	}
}

func TestResamplerSilenceAndDC(t *testing.T) {
	for _, p := range allRatePairs() {
		r := newTestResampler(t, p)
		if out := r.Flush(r.Process(nil, make([]int16, p.in/10))); slices.ContainsFunc(out, func(s int16) bool { return s != 0 }) {
			t.Errorf("%v: silence did not stay silent", p)
		}
		// A constant keeps its level within the passband ripple; what the
		// images of DC add is held to the same -60 dB as any other image.
		dc := slices.Repeat([]int16{10000}, p.in/10)
		out := r.Process(nil, dc)
		steady := out[len(out)/2:]
		var mean, dev float64
		for _, s := range steady {
			mean += float64(s) / float64(len(steady))
		}
		for _, s := range steady {
			dev += (float64(s) - mean) * (float64(s) - mean) / float64(len(steady))
		}
		if math.Abs(20*math.Log10(mean/10000)) > 0.1 || math.Sqrt(dev) > 10000*1e-3 {
			t.Errorf("%v: DC 10000 came out as mean %.2f, RMS deviation %.2f", p, mean, math.Sqrt(dev))
		}
	}
}

// TestResamplerFrequencyResponse measures, for every rate pair, the gain and
// everything that is not the input tone (aliases, images) for tones swept
// from DC to the input Nyquist frequency:
//   - passband (≤ 0.9 × lower Nyquist): gain within ±0.1 dB of unity;
//   - any tone below the lower Nyquist: non-tone output ≥ 60 dB down;
//   - tones above the lower Nyquist (decimation): all output ≥ 60 dB down.
func TestResamplerFrequencyResponse(t *testing.T) {
	const (
		amp          = 30000.0
		maxRippleDB  = 0.1
		minRejectDB  = 60.0
		analysisSecs = 0.1
	)
	for _, p := range allRatePairs() {
		t.Run(p.String(), func(t *testing.T) {
			t.Parallel()
			r := newTestResampler(t, p)
			nyq := float64(min(p.in, p.out)) / 2
			skip := int(math.Ceil(2*r.bank.delay*float64(p.out)/float64(p.in))) + 2 // filter warm-up
			n := int(analysisSecs*float64(p.in)) + int(2*r.bank.delay) + 1
			minGain, maxGain, worstReject := math.Inf(1), math.Inf(-1), math.Inf(1)
			var worstAt float64
			for _, f := range sweepFrequencies(nyq, float64(p.in)/2) {
				r.Reset()
				out := r.Process(nil, tone(n, p.in, f, amp, 0.5))[skip:]
				if f < nyq {
					a, _, res := fitTone(out, p.out, f)
					if f <= passbandEdge*nyq {
						g := 20 * math.Log10(a/amp)
						minGain, maxGain = min(minGain, g), max(maxGain, g)
					}
					if rej := 20 * math.Log10(amp/math.Sqrt2/res); rej < worstReject {
						worstReject, worstAt = rej, f
					}
				} else if rej := 20 * math.Log10(amp/math.Sqrt2/RMS(out)); rej < worstReject {
					worstReject, worstAt = rej, f
				}
			}
			t.Logf("passband gain %+.4f…%+.4f dB, worst rejection %.1f dB at %.0f Hz, delay %v", minGain, maxGain, worstReject, worstAt, r.Delay())
			if minGain < -maxRippleDB || maxGain > maxRippleDB {
				t.Errorf("passband gain %+.4f…%+.4f dB exceeds ±%.1f dB", minGain, maxGain, maxRippleDB)
			}
			if worstReject < minRejectDB {
				t.Errorf("rejection %.1f dB at %.0f Hz, want ≥ %.0f dB", worstReject, worstAt, minRejectDB)
			}
		})
	}
}

// sweepFrequencies covers the passband, dense steps around the band edges
// where windowed-sinc ripple and sidelobes peak, and the rest of the input
// band.
func sweepFrequencies(nyq, inNyq float64) []float64 {
	var fs []float64
	for f := 20.0; f < passbandEdge*nyq; f += passbandEdge * nyq / 23 {
		fs = append(fs, f)
	}
	for i := range 40 { // last 10% of the passband and the transition band
		fs = append(fs, nyq*(passbandEdge-0.1+0.2*float64(i)/39)-1)
	}
	for i := range 40 { // first sidelobes past the stopband edge
		fs = append(fs, nyq*(1+0.1*float64(i)/39))
	}
	for f := nyq; f < inNyq-1; f += max((inNyq-nyq)/60, 5) {
		fs = append(fs, f, f+nyq*0.004, f+nyq*0.011)
	}
	return slices.DeleteFunc(fs, func(f float64) bool { return f >= inNyq-1 })
}

// TestResamplerDelay measures the delay of a 100 Hz tone's phase and of an
// impulse's peak and compares them with Delay.
func TestResamplerDelay(t *testing.T) {
	const f = 100.0
	for _, p := range allRatePairs() {
		r := newTestResampler(t, p)
		out := r.Process(nil, tone(p.in/2, p.in, f, 20000, 0))
		skip := len(out) / 2
		_, ph, _ := fitTone(out[skip:], p.out, f)
		// The tone's phase at output sample 0, relative to the input's 0.
		ph -= 2 * math.Pi * f * float64(skip) / float64(p.out)
		lag := math.Mod(-ph, 2*math.Pi)
		if lag < 0 {
			lag += 2 * math.Pi
		}
		measured := time.Duration(lag / (2 * math.Pi * f) * float64(time.Second))
		if d := measured - r.Delay(); d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%v: tone delay %v, Delay() %v", p, measured, r.Delay())
		}

		r.Reset()
		impulse := make([]int16, p.in/10)
		impulse[len(impulse)/2] = 30000
		out = r.Flush(r.Process(nil, impulse))
		peak := 0
		for i, s := range out {
			if s > out[peak] {
				peak = i
			}
		}
		at := time.Duration(float64(peak)/float64(p.out)*float64(time.Second)) - time.Duration(float64(len(impulse)/2)/float64(p.in)*float64(time.Second))
		if d := at - r.Delay(); d.Abs() > time.Second/time.Duration(p.out) {
			t.Errorf("%v: impulse peak delayed %v, Delay() %v", p, at, r.Delay())
		}
	}
}

func TestResamplerNoAllocsPerFrame(t *testing.T) {
	for _, p := range allRatePairs() {
		r := newTestResampler(t, p)
		in := tone(FrameSamples(p.in), p.in, 300, 10000, 0)
		dst := make([]int16, 0, FrameSamples(p.out))
		if n := testing.AllocsPerRun(50, func() { dst = r.Process(dst[:0], in) }); n != 0 {
			t.Errorf("%v: %v allocations per frame", p, n)
		}
	}
}

// FuzzResampler splits arbitrary audio into arbitrary chunks; the result must
// equal one-shot conversion.
func FuzzResampler(f *testing.F) {
	f.Add(uint8(0), uint8(5), []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"))
	f.Add(uint8(17), uint8(200), make([]byte, 4000))
	pairs := allRatePairs()
	for _, p := range pairs { // design every filter before the coverage-instrumented loop
		newTestResampler(f, p)
	}
	f.Fuzz(func(t *testing.T, pair, chunk uint8, data []byte) {
		p := pairs[int(pair)%len(pairs)]
		data = data[:min(len(data), 1<<14)&^1] // bound the work per input: 8192 samples
		x, _ := DecodePCM16LE(nil, data)
		r := newTestResampler(t, p)
		want := r.Flush(r.Process(nil, x))
		var got []int16
		step := int(chunk) + 1
		for rest := x; len(rest) > 0; step = step*7%251 + 1 { // vary the chunk size
			n := min(step, len(rest))
			got = r.Process(got, rest[:n])
			rest = rest[n:]
		}
		got = r.Flush(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%v: chunked output differs (%d vs %d samples)", p, len(got), len(want))
		}
	})
}

func BenchmarkResample(b *testing.B) {
	for _, p := range allRatePairs() {
		b.Run(p.String(), func(b *testing.B) {
			r := newTestResampler(b, p)
			in := tone(FrameSamples(p.in), p.in, 440, 10000, 0)
			dst := make([]int16, 0, FrameSamples(p.out))
			b.ReportAllocs()
			for b.Loop() {
				dst = r.Process(dst[:0], in)
			}
		})
	}
}

func ExampleResampler() {
	// OpenAI TTS delivers 24 kHz PCM; Twilio wants 8 kHz μ-law.
	r, _ := NewResampler(24000, 8000)
	tts := make([]int16, FrameSamples(24000)) // one 20 ms chunk
	pcm := r.Process(nil, tts)
	ulaw := EncodeUlaw(nil, pcm)
	fmt.Println(len(ulaw), r.Delay())
	// Output: 160 3.729167ms
}
