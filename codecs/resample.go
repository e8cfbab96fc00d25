package codecs

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// resampleRates are the rates the engine meets: carriers (8 kHz), browsers and
// STT (16 kHz), TTS providers (16, 22.05, 24, 44.1 kHz) and WebRTC (48 kHz).
var resampleRates = []int{8000, 16000, 22050, 24000, 44100, 48000}

// resampleBlock bounds how many input samples a Resampler buffers at once, so
// its memory does not grow with the size of a Process call.
const resampleBlock = 1024

var silenceBlock [resampleBlock]float32

// Resampler converts a mono int16 stream between two rates. It keeps the
// filter history across calls, so feeding a signal in 20 ms frames gives
// exactly the same samples as converting it in one call. Filter design and
// quality are described in filter.go.
//
// The output lags the input by Delay. A 20 ms input frame at any supported
// rate yields exactly one 20 ms output frame. A Resampler is not safe for
// concurrent use; its filter coefficients are shared with other Resamplers
// of the same rates, and its own state is about 4 KiB plus four bytes per
// filter tap.
type Resampler struct {
	bank    *filterBank
	in, out int
	buf     []float32 // input history followed by unconsumed input
	pos     int       // index in buf of the newest sample the next output needs
	phase   int       // polyphase index of the next output (direct kind)
	stepQ   int       // m / l: whole input samples per output
	stepR   int       // m % l: phase advance per output
}

// NewResampler returns a Resampler from inRate to outRate, each one of 8000,
// 16000, 22050, 24000, 44100 or 48000 Hz. Equal rates give a pass-through.
// The first Resampler for a rate pair designs its filter, once per process:
// a few milliseconds, about 50 ms for 48↔8 kHz.
func NewResampler(inRate, outRate int) (*Resampler, error) {
	for _, r := range []int{inRate, outRate} {
		if !slices.Contains(resampleRates, r) {
			return nil, fmt.Errorf("%w: %d Hz (resampler supports %v)", ErrUnsupportedRate, r, resampleRates)
		}
	}
	b := bankFor(inRate, outRate)
	r := &Resampler{bank: b, in: inRate, out: outRate, stepQ: b.m / b.l, stepR: b.m % b.l}
	if b.kind != bankCopy {
		r.buf = make([]float32, 0, b.taps-1+resampleBlock)
	}
	r.Reset()
	return r, nil
}

// InRate and OutRate are the rates given to NewResampler.
func (r *Resampler) InRate() int  { return r.in }
func (r *Resampler) OutRate() int { return r.out }

// Delay is the group delay of the filter: an input event at time t appears in
// the output at t + Delay. It is constant over frequency (linear phase).
func (r *Resampler) Delay() time.Duration {
	return time.Duration(math.Round(r.bank.delay / float64(r.in) * float64(time.Second)))
}

// Reset discards the filter history, as for a new stream.
func (r *Resampler) Reset() {
	if r.bank.kind == bankCopy {
		return
	}
	r.buf = r.buf[:r.bank.taps-1]
	clear(r.buf)
	r.pos = r.bank.taps - 1
	r.phase = 0
}

// Process appends the output for src to dst and returns the extended slice.
// After n input samples in total the Resampler has produced
// ceil(n·outRate/inRate) output samples.
func (r *Resampler) Process(dst, src []int16) []int16 {
	if r.bank.kind == bankCopy {
		return append(dst, src...)
	}
	for len(src) > 0 {
		n := min(len(src), resampleBlock)
		m := len(r.buf)
		r.buf = r.buf[:m+n] // capacity is reserved for a whole block
		for i, s := range src[:n] {
			r.buf[m+i] = float32(s)
		}
		src = src[n:]
		dst = r.run(dst)
	}
	return dst
}

// Flush appends the tail still inside the filter (Delay worth of output, as
// if the input continued with silence) and resets the Resampler for a new
// stream.
func (r *Resampler) Flush(dst []int16) []int16 {
	if r.bank.kind == bankCopy {
		return dst
	}
	for z := int(math.Ceil(r.bank.delay)); z > 0; {
		n := min(z, resampleBlock)
		r.buf = append(r.buf, silenceBlock[:n]...)
		z -= n
		dst = r.run(dst)
	}
	r.Reset()
	return dst
}

// run produces every output whose input window is buffered, then drops the
// input no future output needs.
func (r *Resampler) run(dst []int16) []int16 {
	b := r.bank
	taps, half := b.taps, b.taps/2
	buf := r.buf
	switch b.kind {
	case bankFolded:
		for ; r.pos < len(buf); r.pos += b.m {
			w := buf[r.pos-taps+1 : r.pos+1]
			dst = append(dst, toInt16(foldSym(b.coef, w)))
		}
	case bankMirrored:
		n := len(dst)
		dst = slices.Grow(dst, (len(buf)-r.pos)*b.l)[:n+(len(buf)-r.pos)*b.l]
		for ; r.pos < len(buf); r.pos++ {
			w := buf[r.pos-taps+1 : r.pos+1]
			out := dst[n : n+b.l]
			n += b.l
			for p := range b.l / 2 {
				c := b.coef[p*taps : (p+1)*taps]
				s, d := foldPair(c[:half], c[half:], w)
				out[p], out[b.l-1-p] = toInt16(s+d), toInt16(s-d)
			}
			if b.l%2 == 1 {
				out[b.l/2] = toInt16(foldSym(b.coef[b.l/2*taps:], w))
			}
		}
	default:
		for r.pos < len(buf) {
			c := b.coef[r.phase*taps : (r.phase+1)*taps]
			dst = append(dst, toInt16(dot(c, buf[r.pos-taps+1:r.pos+1])))
			r.pos += r.stepQ
			if r.phase += r.stepR; r.phase >= b.l {
				r.phase -= b.l
				r.pos++
			}
		}
	}
	drop := r.pos - (taps - 1)
	r.buf = buf[:copy(buf, buf[drop:])]
	r.pos -= drop
	return dst
}

// toInt16 rounds to nearest (ties to even) and saturates without branches:
// adding 1.5·2^23 leaves the rounded integer in the low mantissa bits, which
// is exact for |v| < 2^22; filter outputs stay far below that.
func toInt16(v float32) int16 {
	const magic = 1 << 23 * 1.5
	i := int32(math.Float32bits(v+magic)) - int32(math.Float32bits(magic))
	return int16(min(max(i, math.MinInt16), math.MaxInt16))
}

// The kernels below are the hot loops. Four independent accumulators hide
// floating-point add latency; re-slicing to exact lengths lets the compiler
// drop bounds checks.

// dot returns Σ c[i]·w[i]; len(w) >= len(c).
func dot(c, w []float32) float32 {
	w = w[:len(c)]
	var a0, a1, a2, a3 float32
	i := 0
	for ; i+4 <= len(c); i += 4 {
		a0 += c[i] * w[i]
		a1 += c[i+1] * w[i+1]
		a2 += c[i+2] * w[i+2]
		a3 += c[i+3] * w[i+3]
	}
	for ; i < len(c); i++ {
		a0 += c[i] * w[i]
	}
	return (a0 + a1) + (a2 + a3)
}

// foldSym returns Σ c[i]·(w[i] + w[len(w)-1-i]) for a palindromic filter
// whose first half is c; len(w) == 2·len(c). Walking the two halves with
// separate indices (i up, j down) keeps the loop free of most bounds checks.
func foldSym(c, w []float32) float32 {
	n := len(c)
	lo, hi := w[:n], w[n:2*n]
	var a0, a1 float32
	i, j := 0, n-1
	for ; i+1 < len(lo) && j >= 1; i, j = i+2, j-2 {
		a0 += c[i] * (lo[i] + hi[j])
		a1 += c[i+1] * (lo[i+1] + hi[j-1])
	}
	for ; i < len(lo) && j >= 0; i, j = i+1, j-1 {
		a0 += c[i] * (lo[i] + hi[j])
	}
	return a0 + a1
}

// foldPair returns Σ a[i]·(w[i] + w[len(w)-1-i]) and
// Σ d[i]·(w[i] - w[len(w)-1-i]); the two outputs of a mirrored phase pair
// are their sum and difference. len(w) == 2·len(a) == 2·len(d).
func foldPair(a, d, w []float32) (float32, float32) {
	n := len(a)
	lo, hi := w[:n], w[n:2*n]
	d = d[:n]
	var s0, s1, d0, d1 float32
	i, j := 0, n-1
	for ; i+1 < len(lo) && j >= 1; i, j = i+2, j-2 {
		l0, r0 := lo[i], hi[j]
		l1, r1 := lo[i+1], hi[j-1]
		s0 += a[i] * (l0 + r0)
		d0 += d[i] * (l0 - r0)
		s1 += a[i+1] * (l1 + r1)
		d1 += d[i+1] * (l1 - r1)
	}
	for ; i < len(lo) && j >= 0; i, j = i+1, j-1 {
		l, r := lo[i], hi[j]
		s0 += a[i] * (l + r)
		d0 += d[i] * (l - r)
	}
	return s0 + s1, d0 + d1
}
