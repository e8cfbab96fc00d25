package gateway

import (
	"net/netip"
	"sync"
	"time"
)

// limiter is a token bucket per source address for requests outside a
// dialog (INVITE, OPTIONS…): a flood from one address is dropped without
// an answer, which would only amplify it.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[netip.Addr]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
	warned bool
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[netip.Addr]*bucket{}}
}

// allow takes a token for addr; first reports the first refusal since
// the address was last allowed (to log it once).
func (l *limiter) allow(addr netip.Addr) (ok, first bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute { // forget idle addresses
		for a, b := range l.buckets {
			if now.Sub(b.at) > time.Minute {
				delete(l.buckets, a)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		first = !b.warned
		b.warned = true
		return false, first
	}
	b.tokens--
	b.warned = false
	return true, false
}
