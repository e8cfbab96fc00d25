package phone

import (
	"math"

	"github.com/switchboard-voice/switchboard/codecs"
)

// The caller recognises DTMF tones the assistant plays (an IVR would):
// Goertzel filters at the eight DTMF frequencies over each 20 ms frame.
var (
	toneRows = [4]float64{697, 770, 852, 941}
	toneCols = [4]float64{1209, 1336, 1477, 1633}
	toneKeys = [4][4]rune{{'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}}
)

// detectTone returns the DTMF key a μ-law 8 kHz frame carries, or 0.
func detectTone(frame []byte) rune {
	pcm := codecs.DecodeUlaw(nil, frame)
	var energy float64
	for _, v := range pcm {
		energy += float64(v) * float64(v)
	}
	n := float64(len(pcm))
	if n == 0 || energy/n < 1e4 { // quieter than about -50 dBFS: no tone
		return 0
	}
	norm := energy * n / 2
	row, rp := strongest(pcm, toneRows[:])
	col, cp := strongest(pcm, toneCols[:])
	if rp/norm < 0.2 || cp/norm < 0.2 {
		return 0
	}
	return toneKeys[row][col]
}

func strongest(pcm []int16, freqs []float64) (int, float64) {
	best, bp := 0, 0.0
	for i, f := range freqs {
		if p := goertzel(pcm, f); p > bp {
			best, bp = i, p
		}
	}
	return best, bp
}

func goertzel(pcm []int16, f float64) float64 {
	coeff := 2 * math.Cos(2*math.Pi*f/8000)
	var s1, s2 float64
	for _, v := range pcm {
		s := float64(v) + coeff*s1 - s2
		s2, s1 = s1, s
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}
