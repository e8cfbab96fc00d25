package telephony

import (
	"math"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// DTMF tone timing (ITU-T Q.24 asks for at least 40 ms of tone and of
// pause; these are comfortable for IVRs) and the pause digit 'w'.
const (
	toneOn    = 120 * time.Millisecond
	toneOff   = 80 * time.Millisecond
	tonePause = 500 * time.Millisecond
	toneLevel = 0.25 // of full scale, per frequency
)

var dtmfFreqs = map[rune][2]float64{
	'1': {697, 1209}, '2': {697, 1336}, '3': {697, 1477}, 'A': {697, 1633},
	'4': {770, 1209}, '5': {770, 1336}, '6': {770, 1477}, 'B': {770, 1633},
	'7': {852, 1209}, '8': {852, 1336}, '9': {852, 1477}, 'C': {852, 1633},
	'*': {941, 1209}, '0': {941, 1336}, '#': {941, 1477}, 'D': {941, 1633},
}

// toneCache renders DTMF digits as 20 ms frames of a format, for carriers
// whose media stream cannot carry DTMF events (Twilio): the tones are
// played to the other party like any audio.
type toneCache struct {
	f      voice.Format
	digits map[rune][][]byte
}

func newToneCache(f voice.Format) *toneCache { return &toneCache{f: f, digits: map[rune][][]byte{}} }

// frames returns the frames of a digit string; unknown characters are
// skipped, w and W pause. Frames are shared: they must not be modified.
func (c *toneCache) frames(digits string) [][]byte {
	var out [][]byte
	for _, d := range digits {
		switch {
		case d == 'w' || d == 'W':
			out = append(out, c.silence(tonePause)...)
			continue
		case d >= 'a' && d <= 'd':
			d -= 'a' - 'A'
		}
		if _, ok := dtmfFreqs[d]; !ok {
			continue
		}
		fr, ok := c.digits[d]
		if !ok {
			fr = c.render(d)
			c.digits[d] = fr
		}
		out = append(out, fr...)
	}
	return out
}

func (c *toneCache) render(d rune) [][]byte {
	fq := dtmfFreqs[d]
	rate := float64(c.f.SampleRate)
	on := int(int64(toneOn) * int64(c.f.SampleRate) / int64(time.Second))
	pcm := make([]int16, on)
	for i := range pcm {
		t := float64(i) / rate
		v := toneLevel * (math.Sin(2*math.Pi*fq[0]*t) + math.Sin(2*math.Pi*fq[1]*t))
		pcm[i] = int16(v * math.MaxInt16)
	}
	return append(c.encode(pcm), c.silence(toneOff)...)
}

func (c *toneCache) silence(d time.Duration) [][]byte {
	return c.encode(make([]int16, int(int64(d)*int64(c.f.SampleRate)/int64(time.Second))))
}

// encode cuts samples into frames of the format.
func (c *toneCache) encode(pcm []int16) [][]byte {
	n := c.f.FrameBytes() / c.f.BytesPerSample()
	var out [][]byte
	for len(pcm) > 0 {
		k := min(n, len(pcm))
		chunk := make([]int16, n) // a short last frame is padded with silence
		copy(chunk, pcm[:k])
		pcm = pcm[k:]
		var b []byte
		switch c.f.Encoding {
		case voice.ULaw:
			b = codecs.EncodeUlaw(nil, chunk)
		case voice.ALaw:
			b = codecs.EncodeAlaw(nil, chunk)
		default:
			b = codecs.EncodePCM16LE(nil, chunk)
		}
		out = append(out, b)
	}
	return out
}
