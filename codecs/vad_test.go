package codecs

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// speechSynth builds speech-like test signals: voiced syllables (a glottal
// harmonic series with a wandering pitch, shaped by two formants and a
// syllable envelope), fricatives (high-passed noise) and pauses.
type speechSynth struct {
	rate  int
	rng   *rand.Rand
	out   []int16
	phase float64
}

func newSpeechSynth(rate int, seed uint64) *speechSynth {
	return &speechSynth{rate: rate, rng: rand.New(rand.NewPCG(seed, seed+1))}
}

func (s *speechSynth) samples(d time.Duration) int {
	return int(int64(d) * int64(s.rate) / int64(time.Second))
}

// vowel appends a voiced syllable with peak RMS amp/√2.
func (s *speechSynth) vowel(d time.Duration, amp float64) {
	n := s.samples(d)
	f1, f2 := 500+400*s.rng.Float64(), 1000+1200*s.rng.Float64()
	f0 := 100 + 80*s.rng.Float64()
	v := make([]float64, n)
	var power float64
	for i := range v {
		t := float64(i) / float64(s.rate)
		pitch := f0 * (1 + 0.05*math.Sin(2*math.Pi*4*t))
		s.phase += 2 * math.Pi * pitch / float64(s.rate)
		for k := 1; k*int(pitch) < min(3400, s.rate/2); k++ {
			h := float64(k) * pitch
			formants := 1/(1+sq((h-f1)/150)) + 0.5/(1+sq((h-f2)/200))
			v[i] += formants / float64(k) * math.Sin(float64(k)*s.phase)
		}
		power += v[i] * v[i] / float64(n)
	}
	for i, x := range v {
		env := math.Sin(math.Pi * float64(i) / float64(n)) // syllable envelope
		s.out = append(s.out, int16(amp*env*x/math.Sqrt(2*power)))
	}
}

// fricative appends an /s/-like hiss at amp.
func (s *speechSynth) fricative(d time.Duration, amp float64) {
	prev := 0.0
	for range s.samples(d) {
		w := 2*s.rng.Float64() - 1
		s.out = append(s.out, int16(amp*(w-prev)/2))
		prev = w
	}
}

func (s *speechSynth) pause(d time.Duration) {
	s.out = append(s.out, make([]int16, s.samples(d))...)
}

// word appends syllables separated by short gaps that the hangover bridges.
func (s *speechSynth) word() {
	s.fricative(60*time.Millisecond, 1500)
	s.vowel(200*time.Millisecond, 6000) // about -18 dBFS at its peak
	s.pause(50 * time.Millisecond)
	s.vowel(160*time.Millisecond, 4000)
	s.pause(120 * time.Millisecond)
	s.vowel(240*time.Millisecond, 5000)
}

func sq(x float64) float64 { return x * x }

type vadEvent struct {
	at    time.Duration // end of the frame that produced it
	event VADEvent
}

func runVAD(t *testing.T, cfg VADConfig, pcm []int16) []vadEvent {
	t.Helper()
	v, err := NewVAD(cfg)
	if err != nil {
		t.Fatal(err)
	}
	frame := FrameSamples(cfg.SampleRate)
	var events []vadEvent
	for i := 0; i+frame <= len(pcm); i += frame {
		if e := v.Process(pcm[i : i+frame]); e != VADNone {
			at := time.Duration(i+frame) * time.Second / time.Duration(cfg.SampleRate)
			events = append(events, vadEvent{at, e})
		}
	}
	return events
}

func TestVADDetectsUtterances(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		cfg := DefaultVADConfig(rate)
		s := newSpeechSynth(rate, 1)
		s.pause(time.Second)
		var spans [][2]time.Duration
		for range 2 { // two utterances of two words, 1.5 s apart
			start := time.Duration(len(s.out)) * time.Second / time.Duration(rate)
			s.word()
			s.pause(150 * time.Millisecond)
			s.word()
			end := time.Duration(len(s.out)) * time.Second / time.Duration(rate)
			spans = append(spans, [2]time.Duration{start, end})
			s.pause(1500 * time.Millisecond)
		}
		events := runVAD(t, cfg, s.out)
		if len(events) != 4 {
			t.Fatalf("%d Hz: events %v, want start/end twice", rate, events)
		}
		for i, span := range spans {
			start, end := events[2*i], events[2*i+1]
			// Speech is declared MinSpeech after the voiced onset (the
			// leading fricative is too noise-like to count), give or take
			// the frame the onset falls in and the envelope's quiet start.
			voiced := span[0] + 60*time.Millisecond
			if start.event != VADSpeechStart || start.at < voiced+cfg.MinSpeech-FrameDuration || start.at > voiced+cfg.MinSpeech+2*FrameDuration {
				t.Errorf("%d Hz utterance %d: %v at %v, speech began at %v", rate, i, start.event, start.at, voiced)
			}
			// The last syllable fades out over its envelope's tail, so the
			// end is declared a hangover after its last loud frames.
			if end.event != VADSpeechEnd || end.at < span[1]+cfg.Hangover-60*time.Millisecond || end.at > span[1]+cfg.Hangover+FrameDuration {
				t.Errorf("%d Hz utterance %d: %v at %v, speech ended at %v", rate, i, end.event, end.at, span[1])
			}
		}
	}
}

func TestVADIgnoresSilenceAndQuietNoise(t *testing.T) {
	cfg := DefaultVADConfig(8000)
	if ev := runVAD(t, cfg, make([]int16, 80000)); len(ev) != 0 {
		t.Errorf("digital silence: %v", ev)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	if ev := runVAD(t, cfg, whiteNoise(rng, 80000, 30)); len(ev) != 0 { // about -67 dBFS
		t.Errorf("line noise: %v", ev)
	}
}

func TestVADIgnoresNoiseBursts(t *testing.T) {
	cfg := DefaultVADConfig(8000)
	rng := rand.New(rand.NewPCG(9, 10))
	var pcm []int16
	for _, d := range []time.Duration{20, 40, 100, 500, 2000} { // loud white noise
		pcm = append(pcm, whiteNoise(rng, int(d)*8, 10000)...)
		pcm = append(pcm, make([]int16, 8000)...)
	}
	for range 20 { // clicks every 300 ms
		click := make([]int16, 2400)
		click[100] = 30000
		pcm = append(pcm, click...)
	}
	if ev := runVAD(t, cfg, pcm); len(ev) != 0 {
		t.Errorf("noise bursts and clicks: %v", ev)
	}
}

// TestVADAdaptsToSteadyNoise plays loud low-frequency (brown) noise, which
// the zero-crossing gate cannot reject: any detection must end once the
// noise floor has caught up, and speech above that noise is still found.
func TestVADAdaptsToSteadyNoise(t *testing.T) {
	cfg := DefaultVADConfig(8000)
	rng := rand.New(rand.NewPCG(11, 12))
	brown := make([]int16, 8*8000)
	var acc float64
	for i := range brown {
		acc = 0.98*acc + (2*rng.Float64() - 1)
		brown[i] = int16(350 * acc) // about -35 dBFS
	}
	events := runVAD(t, cfg, brown)
	if len(events) > 2 || len(events) == 1 || len(events) == 2 && events[1].at > 2500*time.Millisecond {
		t.Fatalf("steady noise: %v", events)
	}

	s := newSpeechSynth(8000, 3)
	s.word()
	s.pause(time.Second)
	mixed := append([]int16(nil), brown...)
	MixInto(mixed[5*8000:], s.out, 1)
	events = runVAD(t, cfg, mixed)
	n := 0
	for _, e := range events {
		if e.at > 3*time.Second {
			n++
			if e.event == VADSpeechStart && (e.at < 5*time.Second || e.at > 5400*time.Millisecond) {
				t.Errorf("speech in noise started at %v", e.at)
			}
		}
	}
	if n != 2 {
		t.Errorf("speech in noise: events %v, want one start and one end after 3 s", events)
	}
}

func TestVADConfigAndReset(t *testing.T) {
	bad := DefaultVADConfig(8000)
	bad.MaxZeroCrossingRate = 0
	if _, err := NewVAD(bad); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("NewVAD(%+v) = %v", bad, err)
	}
	v, _ := NewVAD(DefaultVADConfig(8000))
	loud := tone(160, 8000, 200, 12000, 0)
	for v.Process(loud) != VADSpeechStart {
	}
	v.Reset()
	if v.Speaking() {
		t.Error("Reset kept the speaking state")
	}
	if got := []string{VADNone.String(), VADSpeechStart.String(), VADSpeechEnd.String(), VADEvent(7).String()}; got[3] != "VADEvent(7)" || got[1] != "speech-start" {
		t.Errorf("event names %v", got)
	}
}

func BenchmarkVAD(b *testing.B) {
	for _, rate := range []int{8000, 16000} {
		s := newSpeechSynth(rate, 1)
		s.word()
		frame := s.out[s.samples(100*time.Millisecond):][:FrameSamples(rate)]
		v, _ := NewVAD(DefaultVADConfig(rate))
		b.Run(rateName(rate), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v.Process(frame)
			}
		})
	}
}
