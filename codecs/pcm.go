package codecs

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// DecodePCM16LE appends the little-endian 16-bit samples in src (Vonage,
// browser PCM, OpenAI and ElevenLabs TTS) to dst. It fails with ErrOddLength,
// leaving dst unchanged, when src holds a partial sample.
func DecodePCM16LE(dst []int16, src []byte) ([]int16, error) {
	return decodePCM16(dst, src, binary.LittleEndian)
}

// DecodePCM16BE appends the big-endian 16-bit samples in src (L16 as Telnyx
// sends it, RFC 3551) to dst. It fails with ErrOddLength, leaving dst
// unchanged, when src holds a partial sample.
func DecodePCM16BE(dst []int16, src []byte) ([]int16, error) {
	return decodePCM16(dst, src, binary.BigEndian)
}

// EncodePCM16LE appends src to dst as little-endian 16-bit samples.
func EncodePCM16LE(dst []byte, src []int16) []byte {
	return encodePCM16(dst, src, binary.LittleEndian)
}

// EncodePCM16BE appends src to dst as big-endian 16-bit samples (L16).
func EncodePCM16BE(dst []byte, src []int16) []byte {
	return encodePCM16(dst, src, binary.BigEndian)
}

func decodePCM16(dst []int16, src []byte, order binary.ByteOrder) ([]int16, error) {
	if len(src)%2 != 0 {
		return dst, fmt.Errorf("%w: %d bytes of PCM16", ErrOddLength, len(src))
	}
	n := len(dst)
	dst = slices.Grow(dst, len(src)/2)[:n+len(src)/2]
	out := dst[n:]
	for i := range out {
		out[i] = int16(order.Uint16(src[2*i:]))
	}
	return dst, nil
}

func encodePCM16(dst []byte, src []int16, order binary.ByteOrder) []byte {
	n := len(dst)
	dst = slices.Grow(dst, 2*len(src))[:n+2*len(src)]
	out := dst[n:]
	for i, s := range src {
		order.PutUint16(out[2*i:], uint16(s))
	}
	return dst
}

// Int16ToFloat32 appends src scaled to [-1, 1) (x/32768) to dst.
func Int16ToFloat32(dst []float32, src []int16) []float32 {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	out := dst[n:]
	for i, s := range src {
		out[i] = float32(s) / 32768
	}
	return dst
}

// Float32ToInt16 appends src scaled by 32768 to dst, rounding to nearest and
// saturating to the int16 range; NaN becomes 0. It inverts Int16ToFloat32
// exactly.
func Float32ToInt16(dst []int16, src []float32) []int16 {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	out := dst[n:]
	for i, f := range src {
		out[i] = roundToInt16(float64(f) * 32768)
	}
	return dst
}

// roundToInt16 rounds half away from zero and saturates; NaN maps to 0
// because every comparison with it is false.
func roundToInt16(v float64) int16 {
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	case v >= 0:
		return int16(v + 0.5)
	case v < 0:
		return int16(v - 0.5)
	}
	return 0
}

// maxGain bounds linear gains (±48 dB) so fixed-point products stay in int64
// and absurd values cannot silently wrap.
const maxGain = 256

// gainQ16 converts a linear gain to Q16 fixed point, clamped to ±maxGain;
// NaN becomes 0 (mute).
func gainQ16(gain float64) int64 {
	if math.IsNaN(gain) {
		return 0
	}
	return int64(math.Round(min(max(gain, -maxGain), maxGain) * 65536))
}

// ApplyGain multiplies pcm in place by a linear gain (0.5 is -6 dB), rounding
// to nearest and saturating at the int16 limits. A gain of 1 leaves pcm
// unchanged. Gains are clamped to ±256.
func ApplyGain(pcm []int16, gain float64) {
	g := gainQ16(gain)
	for i, s := range pcm {
		pcm[i] = saturate16((int64(s)*g + 1<<15) >> 16)
	}
}

func saturate16(v int64) int16 {
	return int16(min(max(v, math.MinInt16), math.MaxInt16))
}

// Interleave appends the stereo interleaving of left and right (L, R, L, R…)
// to dst. The shorter channel is padded with silence, so tracks that end at
// different times still produce whole frames.
func Interleave(dst, left, right []int16) []int16 {
	frames := max(len(left), len(right))
	n := len(dst)
	dst = slices.Grow(dst, 2*frames)[:n+2*frames]
	out := dst[n:]
	clear(out)
	for i, s := range left {
		out[2*i] = s
	}
	for i, s := range right {
		out[2*i+1] = s
	}
	return dst
}
