package codecs

import (
	"fmt"
	"math"
	"time"
)

// ToneDetector finds pure tones in audio, such as the beep after an
// answering machine's greeting: a frame is tonal when nearly all its energy
// sits at one frequency (measured by zero crossings, confirmed with a
// Goertzel filter at that frequency), and a tone is a run of tonal frames
// at a steady frequency lasting MinDuration. Speech and noise spread their
// energy and never qualify. Not safe for concurrent use.
type ToneDetector struct {
	rate     int
	minRun   int     // frames
	minLevel float64 // mean square below which a frame is silence
	run      int
	freq     float64
	reported bool
}

// Tone detection bounds: beeps sit between these frequencies, and a frame
// is tonal when this share of its energy is at its frequency.
const (
	toneMinHz    = 250
	toneMaxHz    = 3000
	tonePurity   = 0.8
	toneDriftHz  = 40
	toneMinLevel = -45 // dBFS
)

// NewToneDetector detects tones of at least minDuration in frames of
// 16-bit samples at rate.
func NewToneDetector(rate int, frame, minDuration time.Duration) (*ToneDetector, error) {
	if rate <= 0 || frame <= 0 || minDuration < frame {
		return nil, fmt.Errorf("%w: tone detector rate %d, frame %v, min %v", ErrInvalidConfig, rate, frame, minDuration)
	}
	full := 32768.0 * 32768.0
	return &ToneDetector{rate: rate, minRun: int((minDuration + frame - 1) / frame),
		minLevel: full * math.Pow(10, toneMinLevel/10)}, nil
}

// Process takes the next frame and reports whether a tone has just lasted
// long enough: true once per tone.
func (d *ToneDetector) Process(pcm []int16) bool {
	f, ok := d.tonal(pcm)
	switch {
	case !ok:
		d.run, d.reported = 0, false
		return false
	case d.run > 0 && math.Abs(f-d.freq) > toneDriftHz:
		d.run, d.reported = 1, false
	default:
		d.run++
	}
	d.freq = f
	if d.run >= d.minRun && !d.reported {
		d.reported = true
		return true
	}
	return false
}

// tonal returns a frame's frequency if nearly all its energy is there.
func (d *ToneDetector) tonal(pcm []int16) (float64, bool) {
	n := len(pcm)
	if n < 16 {
		return 0, false
	}
	var energy float64
	crossings := 0
	for i, s := range pcm {
		x := float64(s)
		energy += x * x
		if i > 0 && (pcm[i-1] < 0) != (s < 0) {
			crossings++
		}
	}
	if energy/float64(n) < d.minLevel {
		return 0, false
	}
	f := float64(crossings) * float64(d.rate) / (2 * float64(n))
	if f < toneMinHz || f > toneMaxHz {
		return 0, false
	}
	// Zero crossings place the tone within about a filter's width; the
	// filter is tried across that width, a quarter of it at a time.
	width := float64(d.rate) / float64(n)
	best, at := 0.0, f
	for k := -3; k <= 3; k++ {
		g := f + float64(k)*width/4
		if p := goertzel(pcm, g, d.rate); p > best {
			best, at = p, g
		}
	}
	return at, best/energy >= tonePurity
}

// goertzel is the energy of pcm at frequency f, scaled so that a pure
// sinusoid at f gives its whole energy.
func goertzel(pcm []int16, f float64, rate int) float64 {
	w := 2 * math.Pi * f / float64(rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, x := range pcm {
		s0 := float64(x) + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	return 2 * power / float64(len(pcm))
}
