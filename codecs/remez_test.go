package codecs

import (
	"math"
	"testing"
)

// TestRemezLowpassIsEquiripple designs a filter and measures its response:
// an optimal design touches its error bound in both bands, passband ripple
// δ and stopband ripple δ/weight, and is symmetric.
func TestRemezLowpassIsEquiripple(t *testing.T) {
	const (
		n            = 80
		pass, stop   = 0.2, 0.25
		weight       = 4.0
		withinFactor = 0.02
	)
	h, ripple := remezLowpass(n, pass, stop, weight)
	for i := range h {
		if math.Abs(h[i]-h[n-1-i]) > 1e-12 {
			t.Fatalf("tap %d is not symmetric", i)
		}
	}
	amplitude := func(f float64) float64 {
		var a float64
		for i, v := range h {
			a += v * math.Cos(2*math.Pi*f*(float64(i)-float64(n-1)/2))
		}
		return a
	}
	var passDev, stopDev float64
	for f := 0.0; f <= pass; f += pass / 2000 {
		passDev = max(passDev, math.Abs(amplitude(f)-1))
	}
	for f := stop; f <= 0.5; f += (0.5 - stop) / 4000 {
		stopDev = max(stopDev, math.Abs(amplitude(f)))
	}
	t.Logf("δ = %.5f: passband deviation %.5f, stopband %.5f × %v", ripple, passDev, stopDev, weight)
	if math.Abs(passDev/ripple-1) > withinFactor || math.Abs(stopDev*weight/ripple-1) > withinFactor {
		t.Errorf("not equiripple: δ %.5f, passband %.5f, stopband × weight %.5f", ripple, passDev, stopDev*weight)
	}
	// A longer filter must do strictly better.
	if _, longer := remezLowpass(n+20, pass, stop, weight); longer >= ripple {
		t.Errorf("%d taps: δ %.5f, not below %.5f", n+20, longer, ripple)
	}
}
