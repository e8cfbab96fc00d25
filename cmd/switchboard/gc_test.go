package main

import "testing"

// serve halves Go's collector target unless the operator set GOGC.
func TestDefaultGCPercent(t *testing.T) {
	for _, c := range []struct {
		gogc string
		want int
	}{{"", gcPercent}, {"200", 0}, {"off", 0}} {
		getenv := func(k string) string {
			if k == "GOGC" {
				return c.gogc
			}
			return ""
		}
		if got := defaultGCPercent(getenv); got != c.want {
			t.Errorf("GOGC=%q: %d, want %d", c.gogc, got, c.want)
		}
	}
}
