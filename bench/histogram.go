package bench

import (
	"sync/atomic"
	"time"
)

// histogram counts durations in 100 µs buckets up to 100 ms, lock-free:
// every frame of every call lands in one, so it must cost next to nothing
// and keep no per-frame memory.
type histogram struct {
	buckets [histBuckets + 1]atomic.Int64 // the last one holds everything over the range
	max     atomic.Int64
}

const (
	histBucket  = 100 * time.Microsecond
	histBuckets = 1000
)

func (h *histogram) add(d time.Duration) {
	d = max(d, 0)
	h.buckets[min(int(d/histBucket), histBuckets)].Add(1)
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

// summary reports the counts' percentiles, each as its bucket's upper
// bound (at most 100 µs pessimistic); the maximum is exact.
func (h *histogram) summary() Summary {
	var counts [histBuckets + 1]int64
	var n int64
	for i := range h.buckets {
		counts[i] = h.buckets[i].Load()
		n += counts[i]
	}
	s := Summary{Count: int(n), Max: time.Duration(h.max.Load())}
	if n == 0 {
		return s
	}
	at := func(q float64) time.Duration {
		rank := max(int64(q*float64(n)+0.5), 1) // nearest rank, as Percentile
		var seen int64
		for i, c := range counts {
			if seen += c; seen >= rank {
				if i == histBuckets {
					return s.Max
				}
				return min(time.Duration(i+1)*histBucket, s.Max)
			}
		}
		return s.Max
	}
	s.P50, s.P95, s.P99 = at(0.50), at(0.95), at(0.99)
	return s
}
