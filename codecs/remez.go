package codecs

import (
	"math"
	"slices"
)

// remezLowpass designs an n-tap (n even) linear-phase low-pass FIR with the
// Parks–McClellan exchange algorithm: passband [0, pass] and stopband
// [stop, 0.5] in cycles per sample, with stopband errors weighted by weight
// relative to passband errors. It returns the taps and the largest weighted
// error on the design grid: the passband ripple, and weight times the
// stopband ripple.
//
// An equiripple filter meets a loose passband and a strict stopband with
// about a quarter fewer taps than a Kaiser-windowed sinc, which is why the
// integer-ratio resamplers (the telephony hot paths) use it. An even length
// makes the amplitude cos(ω/2)·P(cos ω) for a polynomial P of degree n/2-1;
// the algorithm fits P to D/cos(ω/2) with weight W·cos(ω/2).
func remezLowpass(n int, pass, stop, weight float64) ([]float64, float64) {
	r := n/2 + 1 // extremal frequencies for a degree n/2-1 polynomial

	// Dense grid, about 16 points per extremal, split across the two bands
	// by width. The stopband stops short of 0.5 where cos(ω/2) vanishes.
	total := 16 * r
	nPass := max(int(math.Round(float64(total)*pass/(pass+0.5-stop))), 2)
	nStop := total - nPass
	stopEnd := 0.5 - 0.25/float64(nStop)
	x := make([]float64, 0, total)    // cos ω
	want := make([]float64, 0, total) // D/cos(ω/2)
	wt := make([]float64, 0, total)   // W·cos(ω/2)
	for i := range total {
		f, d, w := 0.0, 0.0, weight
		if i < nPass {
			f, d, w = pass*float64(i)/float64(nPass-1), 1, 1
		} else {
			f = stop + (stopEnd-stop)*float64(i-nPass)/float64(nStop-1)
		}
		c := math.Cos(math.Pi * f)
		x = append(x, math.Cos(2*math.Pi*f))
		want = append(want, d/c)
		wt = append(wt, w*c)
	}

	ext := make([]int, r)
	for i := range ext {
		ext[i] = i * (total - 1) / (r - 1)
	}
	errs := make([]float64, total)
	var p *baryPoly
	for range 100 {
		p = fitAlternating(x, want, wt, ext)
		for i := range errs {
			errs[i] = wt[i] * (want[i] - p.at(x[i]))
		}
		next := alternatingExtrema(errs, nPass, r)

		if len(next) < r || slices.Equal(next, ext) {
			break
		}
		ext = next
	}

	// errs belongs to p: the exchange stops right after evaluating it.
	var ripple float64
	for _, e := range errs {
		ripple = max(ripple, math.Abs(e))
	}

	// Sample the amplitude response at n frequencies and invert the DFT of
	// the zero-phase response shifted by the group delay.
	amp := make([]float64, n)
	for j := range amp {
		w := 2 * math.Pi * float64(j) / float64(n)
		amp[j] = math.Cos(w/2) * p.at(math.Cos(w))
	}
	h := make([]float64, n)
	center := float64(n-1) / 2
	for k := range h {
		var s float64
		for j, a := range amp {
			s += a * math.Cos(2*math.Pi*float64(j)/float64(n)*(float64(k)-center))
		}
		h[k] = s / float64(n)
	}
	return h, ripple
}

// fitAlternating returns the polynomial whose weighted error is ±δ,
// alternating, on the reference set ext.
func fitAlternating(x, want, wt []float64, ext []int) *baryPoly {
	xs := make([]float64, len(ext))
	for i, e := range ext {
		xs[i] = x[e]
	}
	a := baryWeights(xs)
	var num, den float64
	for i, e := range ext {
		num += a[i] * want[e]
		den += alt(i) * a[i] / wt[e]
	}
	delta := num / den
	// A polynomial of degree r-2 is fixed by r-1 of the r points; the last
	// one is satisfied by the choice of δ.
	ys := make([]float64, len(ext)-1)
	for i := range ys {
		ys[i] = want[ext[i]] - alt(i)*delta/wt[ext[i]]
	}
	xs = xs[:len(ys)]
	return &baryPoly{x: xs, y: ys, w: baryWeights(xs)}
}

// alternatingExtrema returns the local extrema of errs (each grid band
// searched separately) reduced to a sign-alternating sequence of at most r
// points. It deliberately keeps extrema smaller than the current δ: a poor
// starting reference can give a δ near zero, and a threshold would then
// lose extremals to rounding noise and stall the exchange.
func alternatingExtrema(errs []float64, bandSplit int, r int) []int {
	var ext []int
	for i, e := range errs {
		s := 1.0
		if e < 0 {
			s = -1
		}
		left := i == 0 || i == bandSplit || s*e >= s*errs[i-1]
		right := i == len(errs)-1 || i == bandSplit-1 || s*e >= s*errs[i+1]
		if !left || !right {
			continue
		}
		if n := len(ext); n > 0 && math.Signbit(errs[ext[n-1]]) == math.Signbit(e) {
			if math.Abs(e) > math.Abs(errs[ext[n-1]]) {
				ext[n-1] = i // same sign: keep the larger
			}
			continue
		}
		ext = append(ext, i)
	}
	for len(ext) > r { // drop the smaller end; alternation is kept
		if math.Abs(errs[ext[0]]) < math.Abs(errs[ext[len(ext)-1]]) {
			ext = ext[1:]
		} else {
			ext = ext[:len(ext)-1]
		}
	}
	return ext
}

func alt(i int) float64 {
	return float64(1 - 2*(i&1))
}

// baryPoly is a polynomial in barycentric Lagrange form, which stays
// accurate at the high degrees used here.
type baryPoly struct{ x, y, w []float64 }

func baryWeights(x []float64) []float64 {
	w := make([]float64, len(x))
	for i := range x {
		p := 1.0
		for j := range x {
			if j != i {
				p *= 2 * (x[i] - x[j]) // the factor 2 keeps the product in range
			}
		}
		w[i] = 1 / p
	}
	return w
}

func (p *baryPoly) at(x float64) float64 {
	var num, den float64
	for i, xi := range p.x {
		d := x - xi
		if d == 0 {
			return p.y[i]
		}
		t := p.w[i] / d
		num += t * p.y[i]
		den += t
	}
	return num / den
}
