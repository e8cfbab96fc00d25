package codecs

import (
	"math"
	"sync"
)

// Resampler filter design. Every conversion is "upsample by l, low-pass,
// keep every m-th sample" with l/m = out/in in lowest terms, computed as a
// polyphase FIR with a linear-phase prototype:
//
//   - passband up to 0.9 × the lower Nyquist frequency, flat to ±0.035 dB
//     (the requirement is 0.1 dB);
//   - stopband from the lower Nyquist frequency itself, 63–64 dB down by
//     design, so nothing above it aliases or images anywhere in the
//     output (the tests measure at least 60 dB).
//
// Conversions among 8, 16, 24 and 48 kHz, and 22.05↔44.1 kHz, need at most
// six phases; their short prototypes get an equiripple (Parks–McClellan)
// design, which needs about a quarter fewer taps than a window for this
// loose-passband, strict-stopband spec. Conversions between the 44.1 kHz and
// 48 kHz families need 80–441 phases, too long for the exchange algorithm,
// and get a Kaiser-windowed sinc.
//
// The prototype is symmetric, which the fast paths exploit: an integer
// decimator's single phase is a palindrome, and in an integer interpolator
// phase p is phase l-1-p reversed, so each pair of outputs shares one pass
// over the input.
const (
	passbandEdge = 0.9
	stopbandEdge = 1.0

	rippleTarget = 0.004 // equiripple passband ripple δ
	stopWeight   = 6.3   // stopband ripple δ/6.3 = 6.3e-4: 64 dB

	attenuationDB = 63.0 // Kaiser design (its sidelobes fall off; equiripple ones do not)

	maxEquirippleL = 6 // longer prototypes get the Kaiser window
)

// bankKind selects the inner loop.
type bankKind int

const (
	bankCopy     bankKind = iota // in == out
	bankDirect                   // general rational ratio
	bankFolded                   // l == 1: one palindromic phase
	bankMirrored                 // m == 1, l > 1: mirrored phase pairs
)

// filterBank is an immutable polyphase filter shared by every Resampler with
// the same rates.
type filterBank struct {
	kind bankKind
	l, m int
	taps int // per phase, even
	// coef layout by kind:
	//   direct:   l phases × taps, each reversed so y = dot(phase, window)
	//   folded:   taps/2 coefficients of the palindrome
	//   mirrored: for p < l/2, taps/2 sums then taps/2 differences of phase p
	//             and its mirror (halved); then, for odd l, the middle
	//             phase's taps/2 palindrome coefficients
	coef  []float32
	delay float64 // group delay in input samples
}

// banks caches one design per rate pair. The lock only guards the map, so a
// slow first design does not hold up Resamplers of pairs already designed.
var banks struct {
	sync.Mutex
	m map[[2]int]func() *filterBank
}

// bankFor returns the shared filter bank for in→out, designing it on first
// use.
func bankFor(in, out int) *filterBank {
	key := [2]int{in, out}
	banks.Lock()
	get, ok := banks.m[key]
	if !ok {
		if banks.m == nil {
			banks.m = make(map[[2]int]func() *filterBank)
		}
		get = sync.OnceValue(func() *filterBank { return designBank(in, out) })
		banks.m[key] = get
	}
	banks.Unlock()
	return get()
}

func designBank(in, out int) *filterBank {
	g := gcd(in, out)
	l, m := out/g, in/g
	if l == m {
		return &filterBank{kind: bankCopy, l: 1, m: 1}
	}
	phases, taps := prototype(in, out)
	b := &filterBank{l: l, m: m, taps: taps, delay: float64(l*taps-1) / float64(2*l)}
	half := taps / 2
	switch {
	case l == 1:
		b.kind = bankFolded
		b.coef = make([]float32, half)
		for i := range half {
			b.coef[i] = float32(phases[0][i])
		}
	case m == 1:
		b.kind = bankMirrored
		b.coef = make([]float32, 0, (l+1)/2*taps)
		for p := range l / 2 {
			c := phases[p]
			for i := range half {
				b.coef = append(b.coef, float32((c[i]+c[taps-1-i])/2))
			}
			for i := range half {
				b.coef = append(b.coef, float32((c[i]-c[taps-1-i])/2))
			}
		}
		if l%2 == 1 {
			for i := range half {
				b.coef = append(b.coef, float32(phases[l/2][i]))
			}
		}
	default:
		b.kind = bankDirect
		b.coef = make([]float32, 0, l*taps)
		for _, c := range phases {
			for _, v := range c {
				b.coef = append(b.coef, float32(v))
			}
		}
	}
	return b
}

// prototype designs the filter for in→out and returns it split into l
// phases of taps coefficients. Phase p holds h[p + k·l] for k from taps-1
// down to 0 (reversed, so it lines up with input samples oldest first).
func prototype(in, out int) (phases [][]float64, taps int) {
	g := gcd(in, out)
	l, m := out/g, in/g
	rate := float64(l * in) // the virtual upsampled rate
	nyquist := float64(min(in, out)) / 2
	pass, stop := passbandEdge*nyquist/rate, stopbandEdge*nyquist/rate
	var h []float64
	if l <= maxEquirippleL {
		h = equiripple(l, m, pass, stop)
	} else {
		h = kaiserSinc(l, pass, stop)
	}
	taps = len(h) / l
	// Both designs have unity passband gain (equiripple: ripple centered on
	// 1). Interpolation spreads it over l phases, hence the gain l.
	phases = make([][]float64, l)
	for p := range phases {
		c := make([]float64, taps)
		for k := range taps {
			c[taps-1-k] = h[p+k*l] * float64(l)
		}
		phases[p] = c
	}
	return phases, taps
}

// equiripple returns the shortest equiripple prototype with an even number
// of taps per phase that meets rippleTarget. Each spurious component of a
// tone sits at the stopband ripple, and there can be several: the l-1 images
// of an interpolated tone, and for a decimated tone in the stopband also the
// tone itself. The stopband is tightened by the square root of that count so
// their total stays 64 dB down. The search starts at Kaiser's length
// estimate for optimal filters, which is within a few taps for these specs.
func equiripple(l, m int, pass, stop float64) []float64 {
	spurs := l - 1
	if m > 1 {
		spurs = l
	}
	weight := stopWeight * math.Sqrt(float64(spurs))
	est := (-20*math.Log10(rippleTarget/math.Sqrt(weight)) - 13) / (14.6 * (stop - pass))
	taps := evenCeil(est / float64(l))
	h, ripple := remezLowpass(l*taps, pass, stop, weight)
	for ripple > rippleTarget { // too short: grow
		taps += 2
		h, ripple = remezLowpass(l*taps, pass, stop, weight)
	}
	for taps > 2 { // long enough: shrink while the spec still holds
		shorter, r := remezLowpass(l*(taps-2), pass, stop, weight)
		if r > rippleTarget {
			break
		}
		h, taps = shorter, taps-2
	}
	return h
}

// kaiserSinc returns a Kaiser-windowed sinc with an even number of taps per
// phase, cut off midway through the transition band. Cutoffs are in cycles
// per sample.
func kaiserSinc(l int, pass, stop float64) []float64 {
	n := (attenuationDB-7.95)/(2.285*2*math.Pi*(stop-pass)) + 1
	total := l * evenCeil(n/float64(l))
	beta := 0.1102 * (attenuationDB - 8.7)
	cutoff := (pass + stop) / 2
	center := float64(total-1) / 2
	i0beta := besselI0(beta)
	h := make([]float64, total)
	for i := range h {
		t := float64(i) - center
		sinc := 2 * cutoff
		if t != 0 {
			sinc = math.Sin(2*math.Pi*cutoff*t) / (math.Pi * t)
		}
		r := t / center
		h[i] = sinc * besselI0(beta*math.Sqrt(1-r*r)) / i0beta
	}
	return h
}

func evenCeil(x float64) int {
	n := int(math.Ceil(x))
	return n + n%2
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by its power series (fast to converge for the β used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; term > 1e-17*sum; k++ {
		h := x / float64(2*k)
		term *= h * h
		sum += term
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
