package codecs

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Test-only signal generators and measurements shared by the resampler,
// level, VAD and MP3 tests.

func rateName(rate int) string {
	if rate%1000 == 0 {
		return fmt.Sprintf("%dk", rate/1000)
	}
	return fmt.Sprintf("%.2fk", float64(rate)/1000)
}

// tone returns n samples of amp·sin(2π·f·i/rate + phase), rounded.
func tone(n, rate int, f, amp, phase float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate)+phase)))
	}
	return s
}

// fitTone least-squares fits a·sin(ωi) + b·cos(ωi) + c to x at frequency f
// and returns the amplitude and phase of the sinusoid and the RMS of what is
// left (everything that is not that tone).
func fitTone(x []int16, rate int, f float64) (amp, phase, residualRMS float64) {
	w := 2 * math.Pi * f / float64(rate)
	// Normal equations for the basis (sin, cos, 1).
	var m [3][3]float64
	var v [3]float64
	for i, s := range x {
		b := [3]float64{math.Sin(w * float64(i)), math.Cos(w * float64(i)), 1}
		for r := range 3 {
			for c := range 3 {
				m[r][c] += b[r] * b[c]
			}
			v[r] += b[r] * float64(s)
		}
	}
	coef := solve3(m, v)
	var res float64
	for i, s := range x {
		fit := coef[0]*math.Sin(w*float64(i)) + coef[1]*math.Cos(w*float64(i)) + coef[2]
		d := float64(s) - fit
		res += d * d
	}
	return math.Hypot(coef[0], coef[1]), math.Atan2(coef[1], coef[0]), math.Sqrt(res / float64(len(x)))
}

// solve3 solves a 3x3 system by Gaussian elimination with partial pivoting.
func solve3(m [3][3]float64, v [3]float64) [3]float64 {
	for c := range 3 {
		p := c
		for r := c + 1; r < 3; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		v[c], v[p] = v[p], v[c]
		for r := c + 1; r < 3; r++ {
			k := m[r][c] / m[c][c]
			for cc := c; cc < 3; cc++ {
				m[r][cc] -= k * m[c][cc]
			}
			v[r] -= k * v[c]
		}
	}
	var x [3]float64
	for r := 2; r >= 0; r-- {
		s := v[r]
		for c := r + 1; c < 3; c++ {
			s -= m[r][c] * x[c]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// dominantFrequency returns the frequency, to 1 Hz, with the most energy in
// x: a scan at the DFT's bin spacing, then 1 Hz steps around the best bin.
func dominantFrequency(x []int16, rate int) float64 {
	best := func(from, to, step float64) float64 {
		f, pow := from, -1.0
		for g := from; g <= to; g += step {
			if p := goertzel(x, g, rate); p > pow {
				f, pow = g, p
			}
		}
		return f
	}
	bin := math.Max(1, math.Floor(float64(rate)/float64(len(x))))
	coarse := best(20, float64(rate)/2-bin, bin)
	return best(math.Max(20, coarse-bin), coarse+bin, 1)
}

// whiteNoise returns n samples uniformly distributed in ±amp.
func whiteNoise(rng *rand.Rand, n int, amp float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(amp * (2*rng.Float64() - 1))
	}
	return s
}
