package bench

import (
	"slices"
	"time"
)

// Summary is a distribution of durations.
type Summary struct {
	Count int           `json:"count"`
	P50   time.Duration `json:"p50_ns"`
	P95   time.Duration `json:"p95_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
}

// Summarize sorts ds in place and summarises them.
func Summarize(ds []time.Duration) Summary {
	slices.Sort(ds)
	s := Summary{Count: len(ds)}
	if len(ds) > 0 {
		s.P50, s.P95, s.P99 = Percentile(ds, 0.50), Percentile(ds, 0.95), Percentile(ds, 0.99)
		s.Max = ds[len(ds)-1]
	}
	return s
}
