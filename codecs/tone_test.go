package codecs

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func sine(hz float64, d time.Duration, rate int, amp float64) []int16 {
	n := int(d.Seconds() * float64(rate))
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
	return out
}

// feed runs pcm through d in 20 ms frames and returns the frame indexes at
// which a tone was reported.
func feed(d *ToneDetector, pcm []int16, rate int) []int {
	frame := rate / 50
	var at []int
	for i := 0; i+frame <= len(pcm); i += frame {
		if d.Process(pcm[i : i+frame]) {
			at = append(at, i/frame)
		}
	}
	return at
}

func TestToneDetector(t *testing.T) {
	for _, c := range []struct {
		name string
		pcm  []int16
		rate int
		want int
	}{
		{"1 kHz beep", sine(1000, 400*time.Millisecond, 8000, 8000), 8000, 1},
		{"440 Hz beep, quiet", sine(440, 300*time.Millisecond, 8000, 600), 8000, 1},
		{"1400 Hz beep at 16 kHz", sine(1400, 300*time.Millisecond, 16000, 8000), 16000, 1},
		{"a blip too short", sine(1000, 80*time.Millisecond, 8000, 8000), 8000, 0},
		{"silence", make([]int16, 8000), 8000, 0},
		{"noise", noise(8000, 6000), 8000, 0},
		{"two tones", append(sine(1000, 300*time.Millisecond, 8000, 8000), sine(500, 300*time.Millisecond, 8000, 8000)...), 8000, 2},
		{"a chord", mixed(8000), 8000, 0},
	} {
		d, err := NewToneDetector(c.rate, 20*time.Millisecond, 150*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if got := feed(d, c.pcm, c.rate); len(got) != c.want {
			t.Errorf("%s: tones at frames %v, want %d", c.name, got, c.want)
		}
	}
}

func noise(n int, amp float64) []int16 {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]int16, n)
	for i := range out {
		out[i] = int16((rng.Float64()*2 - 1) * amp)
	}
	return out
}

// mixed is three tones at once, like a vowel's harmonics.
func mixed(n int) []int16 {
	a, b, c := sine(300, time.Second, 8000, 3000), sine(900, time.Second, 8000, 3000), sine(2100, time.Second, 8000, 2000)
	out := make([]int16, n)
	for i := range out {
		out[i] = a[i] + b[i] + c[i]
	}
	return out
}

func TestNewToneDetectorValidates(t *testing.T) {
	if _, err := NewToneDetector(8000, 20*time.Millisecond, 10*time.Millisecond); err == nil {
		t.Fatal("a minimum shorter than a frame was accepted")
	}
}

func BenchmarkToneDetector(b *testing.B) {
	d, _ := NewToneDetector(8000, 20*time.Millisecond, 150*time.Millisecond)
	pcm := noise(160, 6000)
	for b.Loop() {
		d.Process(pcm)
	}
}
