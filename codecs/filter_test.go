package codecs

import (
	"math"
	"sync"
	"testing"
)

// TestFilterBanks checks every rate pair's design: the inner loop it gets, an
// even tap count, the design method, the delay, and the symmetry between
// phases that the folded and mirrored loops rely on.
func TestFilterBanks(t *testing.T) {
	for _, p := range allRatePairs() {
		b := bankFor(p.in, p.out)
		want := bankDirect
		switch {
		case b.l == 1:
			want = bankFolded
		case b.m == 1:
			want = bankMirrored
		}
		if b.kind != want || b.taps%2 != 0 || b.l*p.in != b.m*p.out {
			t.Errorf("%v: kind %d, %d taps, l/m %d/%d", p, b.kind, b.taps, b.l, b.m)
		}
		if d := float64(b.l*b.taps-1) / float64(2*b.l); b.delay != d {
			t.Errorf("%v: delay %v input samples, want %v", p, b.delay, d)
		}
		phases, taps := prototype(p.in, p.out)
		var peak float64
		for _, c := range phases {
			for _, v := range c {
				peak = max(peak, math.Abs(v))
			}
		}
		for q, c := range phases {
			mirror := phases[b.l-1-q]
			for k := range c {
				if math.Abs(c[k]-mirror[taps-1-k]) > 1e-12*peak {
					t.Fatalf("%v: phase %d tap %d is not the mirror of phase %d", p, q, k, b.l-1-q)
				}
			}
		}
	}
}

// TestFilterBanksShared checks that concurrent users of a rate pair share
// one bank (and, under -race, that the cache is safe).
func TestFilterBanksShared(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]*filterBank, 8)
	for i := range got {
		wg.Go(func() { got[i] = bankFor(44100, 24000) })
	}
	wg.Wait()
	for _, b := range got {
		if b != got[0] {
			t.Fatal("rate pair designed twice")
		}
	}
}
