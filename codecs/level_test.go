package codecs

import (
	"math"
	"testing"
)

func TestLevels(t *testing.T) {
	if RMS(nil) != 0 || !math.IsInf(DBFS(make([]int16, 160)), -1) {
		t.Error("silence")
	}
	square := []int16{-32768, -32768, 32767, 32767}
	if got := DBFS(square); math.Abs(got) > 0.001 {
		t.Errorf("full-scale square = %.4f dBFS, want 0", got)
	}
	sine := tone(8000, 8000, 1000, 16384, 0.3)
	if got := RMS(sine); math.Abs(got-16384/math.Sqrt2) > 1 {
		t.Errorf("RMS(sine) = %.2f, want %.2f", got, 16384/math.Sqrt2)
	}
	if got := DBFS(sine); math.Abs(got-(-6.02-3.01)) > 0.01 {
		t.Errorf("half-scale sine = %.3f dBFS, want -9.03", got)
	}
}
