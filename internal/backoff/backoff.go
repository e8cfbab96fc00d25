// Package backoff spaces out retries: waits that double from a minimum to a
// cap, spread ±20% so that streams dropped together (a provider outage
// takes every call's stream at once) do not all come back in the same
// instant.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy bounds the waits.
type Policy struct {
	Min, Max time.Duration
}

// Wait is the wait before retry n (from 1): Min doubled n-1 times, at
// least floor (a server's Retry-After), at most Max, then spread ±20%.
func (p Policy) Wait(n int, floor time.Duration) time.Duration {
	d := p.Min << min(max(n-1, 0), 20)
	d = min(max(d, floor), p.Max)
	return d*4/5 + rand.N(d*2/5+1)
}
