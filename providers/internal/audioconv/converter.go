package audioconv

import (
	"errors"
	"fmt"
	"math"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// Converter turns the service's audio into the wanted format: 16-bit PCM
// from the service is resampled (state kept across an utterance's chunks),
// scaled by the volume gain and encoded; audio already in the wanted format
// at unit gain passes through untouched.
type Converter struct {
	dst  voice.Format
	gain float64
	pass bool              // bytes pass through
	rs   *codecs.Resampler // nil when the rates match
	skip int               // output samples still to drop: the resampler's delay
	half []byte            // a sample split between two chunks
	pcm  []int16           // scratch
	out  []int16           // scratch
}

// New returns a converter from src to dst at the given gain. Its error only
// names the formats: each provider wraps it in its own ErrFormat.
func New(src, dst voice.Format, gain float64) (*Converter, error) {
	c := &Converter{dst: dst, gain: gain, pass: src == dst && gain == 1}
	switch {
	case c.pass:
		return c, nil
	case src.Encoding != voice.PCM16:
		return nil, fmt.Errorf("%v from %v", dst, src)
	case dst.Encoding != voice.PCM16 && dst.Encoding != voice.ULaw && dst.Encoding != voice.ALaw:
		return nil, errors.New(dst.String())
	}
	if src.SampleRate != dst.SampleRate {
		rs, err := codecs.NewResampler(src.SampleRate, dst.SampleRate)
		if err != nil {
			return nil, err
		}
		// the resampler's output lags by its delay: dropping that much
		// keeps audio (and word timings) where the service put them
		c.rs, c.skip = rs, int(math.Round(rs.Delay().Seconds()*float64(dst.SampleRate)))
	}
	return c, nil
}

// Convert appends src, converted, to dst.
func (c *Converter) Convert(dst, src []byte) []byte {
	if c.pass {
		return append(dst, src...)
	}
	c.pcm = c.pcm[:0]
	if len(c.half) > 0 && len(src) > 0 { // complete the sample the last chunk split
		c.half = append(c.half, src[0])
		c.pcm, _ = codecs.DecodePCM16LE(c.pcm, c.half)
		c.half, src = c.half[:0], src[1:]
	}
	if len(src)%2 == 1 {
		c.half = append(c.half, src[len(src)-1])
		src = src[:len(src)-1]
	}
	c.pcm, _ = codecs.DecodePCM16LE(c.pcm, src) // whole samples: cannot fail
	return c.encode(dst, c.resample(c.pcm, false))
}

// Flush appends to dst what the converter still holds at the end of an
// utterance: the resampler's tail.
func (c *Converter) Flush(dst []byte) []byte {
	c.half = c.half[:0]
	if c.rs == nil {
		return dst
	}
	return c.encode(dst, c.resample(nil, true))
}

func (c *Converter) resample(pcm []int16, end bool) []int16 {
	if c.rs == nil {
		return pcm
	}
	if end {
		c.out = c.rs.Flush(c.out[:0])
	} else {
		c.out = c.rs.Process(c.out[:0], pcm)
	}
	n := min(c.skip, len(c.out))
	c.skip -= n
	return c.out[n:]
}

func (c *Converter) encode(dst []byte, pcm []int16) []byte {
	if c.gain != 1 {
		codecs.ApplyGain(pcm, c.gain)
	}
	switch c.dst.Encoding {
	case voice.ULaw:
		return codecs.EncodeUlaw(dst, pcm)
	case voice.ALaw:
		return codecs.EncodeAlaw(dst, pcm)
	}
	return codecs.EncodePCM16LE(dst, pcm)
}
