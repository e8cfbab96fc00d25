// Package bench measures Switchboard the way its users see it: from the
// client's side of a real socket. It holds the load generators behind the
// `go test -bench` benchmarks here and `switchboard bench`.
package bench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult summarises a load run.
type LoadResult struct {
	Clients  int
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
	Max      time.Duration
}

// RPS is completed requests per second.
func (r LoadResult) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Do performs one request for a client and reports whether it failed.
type Do func(ctx context.Context, client int) error

// RunLoad is a closed loop: clients call do back to back until total
// requests are done. It measures saturation throughput; its latencies are
// mostly queueing (Little's law: clients / throughput).
func RunLoad(ctx context.Context, clients, total int, do Do) LoadResult {
	var next atomic.Int64
	return run(clients, func(c int, record func(time.Duration, error)) {
		for next.Add(1) <= int64(total) && ctx.Err() == nil {
			t0 := time.Now()
			err := do(ctx, c)
			record(time.Since(t0), err)
		}
	})
}

// RunOpenLoad offers rate requests per second for d, spread evenly over
// clients that each send on their own schedule. Latency runs from when a
// request was due, not when it was sent, so a slow response that delays the
// client's next request counts against that request too (no coordinated
// omission).
func RunOpenLoad(ctx context.Context, clients int, rate float64, d time.Duration, do Do) LoadResult {
	interval := time.Duration(float64(clients) / rate * float64(time.Second))
	start := time.Now()
	end := start.Add(d)
	return run(clients, func(c int, record func(time.Duration, error)) {
		due := start.Add(interval * time.Duration(c) / time.Duration(clients))
		for due.Before(end) && ctx.Err() == nil {
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
			err := do(ctx, c)
			record(time.Since(due), err)
			due = due.Add(interval)
		}
	})
}

// run starts one goroutine per client and summarises what they record.
func run(clients int, client func(c int, record func(time.Duration, error))) LoadResult {
	var errs atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			client(c, func(d time.Duration, err error) {
				if err != nil {
					errs.Add(1)
				}
				lat[c] = append(lat[c], d)
			})
		})
	}
	wg.Wait()
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := LoadResult{Clients: clients, Requests: len(all), Errors: int(errs.Load()), Elapsed: time.Since(start)}
	if len(all) > 0 {
		r.P50 = Percentile(all, 0.50)
		r.P99 = Percentile(all, 0.99)
		r.Max = all[len(all)-1]
	}
	return r
}

// Percentile of sorted durations (nearest rank).
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
