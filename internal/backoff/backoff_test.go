package backoff

import (
	"testing"
	"time"
)

func TestWaitDoublesWithinTheSpreadAndCap(t *testing.T) {
	p := Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second}
	for _, c := range []struct {
		n     int
		floor time.Duration
		base  time.Duration
	}{
		{1, 0, 100 * time.Millisecond},
		{2, 0, 200 * time.Millisecond},
		{4, 0, 800 * time.Millisecond},
		{10, 0, 5 * time.Second},              // capped
		{1000, 0, 5 * time.Second},            // no overflow
		{1, 2 * time.Second, 2 * time.Second}, // a Retry-After raises it
		{1, time.Minute, 5 * time.Second},     // but not past the cap
		{0, 0, 100 * time.Millisecond},        // n below 1 counts as the first
	} {
		lo, hi := c.base*4/5, c.base*6/5
		seen := map[time.Duration]bool{}
		for range 200 {
			w := p.Wait(c.n, c.floor)
			if w < lo || w > hi {
				t.Fatalf("Wait(%d, %v) = %v, want within [%v, %v]", c.n, c.floor, w, lo, hi)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Fatalf("Wait(%d, %v) is not spread: always %v", c.n, c.floor, seen)
		}
	}
}
