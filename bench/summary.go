package bench

import (
	"slices"
	"time"
)

// Summary is a distribution of durations.
type Summary struct {
	Count              int
	P50, P95, P99, Max time.Duration
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
