package codecs

// MixInto adds gain·src to dst in place (gain is linear; 1 mixes at full
// level, 0.1 puts background sound 20 dB under speech). It mixes the first
// min(len(dst), len(src)) samples and leaves the rest of dst alone; callers
// align tracks by slicing.
//
// The sum goes through a soft limiter instead of wrapping or hard clipping:
// sums within ±limiterKnee (-1.2 dBFS) pass unchanged, and beyond it a smooth
// knee maps the overshoot into the remaining headroom, so even two full-scale
// streams stay below full scale without the harsh distortion of a flat top.
// Gains are clamped to ±256.
func MixInto(dst, src []int16, gain float64) {
	g := gainQ16(gain)
	src = src[:min(len(src), len(dst))]
	dst = dst[:len(src)]
	for i, s := range src {
		dst[i] = limit(int64(dst[i]) + (int64(s)*g+1<<15)>>16)
	}
}

const (
	limiterKnee     = 28672               // 7/8 of full scale
	limiterHeadroom = 32767 - limiterKnee // what the knee compresses into
)

// limit is identity up to the knee and then knee + h·e/(h+e) for an overshoot
// e: continuous with slope 1 at the knee, monotonic, and approaching ±32767
// without reaching it.
func limit(v int64) int16 {
	switch {
	case v > limiterKnee:
		e := v - limiterKnee
		return int16(limiterKnee + limiterHeadroom*e/(limiterHeadroom+e))
	case v < -limiterKnee:
		e := -v - limiterKnee
		return int16(-limiterKnee - limiterHeadroom*e/(limiterHeadroom+e))
	}
	return int16(v)
}
