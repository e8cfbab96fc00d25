package bench

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// SoakReport is how memory, goroutines and file descriptors moved while
// the load held, sampled about once a minute.
type SoakReport struct {
	Samples []Sample `json:"samples"`
	// Overall is the slopes over the whole soak, LastThird over its last
	// third: growth that slows down to nothing shows as a last third's
	// slope near 0 beside an overall one above it.
	Overall   Slopes `json:"overall"`
	LastThird Slopes `json:"last_third"`
	// Flat: over the soak, the RSS line grows by less than 5 % of its
	// mean, and the goroutines' and fds' by less than one per ten calls
	// placed (a leak of one per call shows ten times over it; their
	// minute-to-minute swing with the calls' phases, ±30, does not).
	Flat bool `json:"flat"`
	// Levelled: at the last third's slopes, RSS would grow by less than
	// 5 % of its mean in an hour, and goroutines and fds by less than one
	// per ten calls placed.
	Levelled bool `json:"levelled"`
}

// Slopes are least-squares lines through a window of the samples, per
// minute.
type Slopes struct {
	From       time.Duration `json:"from_ns"` // since the first sample
	To         time.Duration `json:"to_ns"`
	Samples    int           `json:"samples"`
	RSS        float64       `json:"rss_bytes_per_minute"`
	Heap       float64       `json:"heap_inuse_bytes_per_minute"`
	HeapLive   float64       `json:"heap_live_bytes_per_minute"`
	GoHeld     float64       `json:"go_held_bytes_per_minute"`
	Goroutines float64       `json:"goroutines_per_minute"`
	FDs        float64       `json:"fds_per_minute"`
	Threads    float64       `json:"threads_per_minute"`
}

// soakReport fits the samples of a soak that placed calls calls.
func soakReport(samples []Sample, placed int) *SoakReport {
	r := &SoakReport{Samples: samples}
	if len(samples) < 3 {
		return r
	}
	t0 := samples[0].At
	span := samples[len(samples)-1].At.Sub(t0)
	r.Overall = slopes(samples, t0)
	third := samples[len(samples)-1-(len(samples)-1)/3:]
	if len(third) >= 3 {
		r.LastThird = slopes(third, t0)
	}
	var mean float64
	for _, s := range samples {
		mean += float64(s.RSS) / float64(len(samples))
	}
	leak := float64(placed) / span.Minutes() / 10 // one per ten calls placed, a minute
	r.Flat = r.Overall.RSS*span.Minutes() < 0.05*mean && r.Overall.Goroutines < leak && r.Overall.FDs < leak
	r.Levelled = len(third) >= 3 && r.LastThird.RSS*60 < 0.05*mean && r.LastThird.Goroutines < leak && r.LastThird.FDs < leak
	return r
}

// slopes fits the samples' lines, timed from t0.
func slopes(ss []Sample, t0 time.Time) Slopes {
	x := func(s Sample) float64 { return s.At.Sub(t0).Minutes() }
	line := func(y func(Sample) float64) float64 { return slope(ss, x, y) }
	return Slopes{From: ss[0].At.Sub(t0), To: ss[len(ss)-1].At.Sub(t0), Samples: len(ss),
		RSS:        line(func(s Sample) float64 { return float64(s.RSS) }),
		Heap:       line(func(s Sample) float64 { return float64(s.Heap) }),
		HeapLive:   line(func(s Sample) float64 { return float64(s.HeapLive) }),
		GoHeld:     line(func(s Sample) float64 { return float64(s.GoHeld) }),
		Goroutines: line(func(s Sample) float64 { return float64(s.Goroutines) }),
		FDs:        line(func(s Sample) float64 { return float64(s.FDs) }),
		Threads:    line(func(s Sample) float64 { return float64(s.Threads) })}
}

// slope fits y = a + b·x by least squares and returns b.
func slope(ss []Sample, x, y func(Sample) float64) float64 {
	var sx, sy, sxx, sxy float64
	n := float64(len(ss))
	for _, s := range ss {
		xv, yv := x(s), y(s)
		sx, sy, sxx, sxy = sx+xv, sy+yv, sxx+xv*xv, sxy+xv*yv
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

// writeSoak writes the soak's samples at its start, at 10 minutes and at
// its end, its slopes and its verdicts.
func writeSoak(w io.Writer, s *SoakReport) {
	if len(s.Samples) == 0 {
		return
	}
	t0 := s.Samples[0].At
	fmt.Fprintf(w, "soak, %d samples (every minute; a shorter soak thirty times):\n", len(s.Samples))
	for _, smp := range soakMilestones(s.Samples) {
		fmt.Fprintf(w, "  %5.1f min: RSS %.1f MiB, Go heap %.1f MiB in use (%.1f live), Go holds %.1f MiB, %d goroutines, %d fds, %d threads\n",
			smp.At.Sub(t0).Minutes(), mibs(smp.RSS), mibs(smp.Heap), mibs(smp.HeapLive), mibs(smp.GoHeld), smp.Goroutines, smp.FDs, smp.Threads)
	}
	for _, sl := range []struct {
		name string
		s    Slopes
	}{{"overall", s.Overall}, {"last third", s.LastThird}} {
		fmt.Fprintf(w, "  slope %s (%.0f–%.0f min, %d samples): RSS %+.2f MiB/min, Go heap %+.2f (live %+.2f), Go holds %+.2f, goroutines %+.2f/min, fds %+.2f/min, threads %+.2f/min\n",
			sl.name, sl.s.From.Minutes(), sl.s.To.Minutes(), sl.s.Samples, mibs(int64(sl.s.RSS)), mibs(int64(sl.s.Heap)),
			mibs(int64(sl.s.HeapLive)), mibs(int64(sl.s.GoHeld)), sl.s.Goroutines, sl.s.FDs, sl.s.Threads)
	}
	verdict := func(ok bool, yes, no string) string {
		if ok {
			return yes
		}
		return no
	}
	fmt.Fprintf(w, "soak: %s over the whole run (growth < 5 %% of RSS, goroutines and fds < 1 per 10 calls placed); %s (last third's RSS slope < 5 %% of RSS an hour, goroutines and fds < 1 per 10 calls placed)\n",
		verdict(s.Flat, "flat", "not flat"), verdict(s.Levelled, "levels off", "does not level off"))
}

// soakMilestones are the first sample, the one nearest 10 minutes in
// (when the soak is longer) and the last.
func soakMilestones(ss []Sample) []Sample {
	first, last := ss[0], ss[len(ss)-1]
	out := []Sample{first}
	if last.At.Sub(first.At) > 10*time.Minute {
		i, _ := slices.BinarySearchFunc(ss, first.At.Add(10*time.Minute), func(s Sample, t time.Time) int { return s.At.Compare(t) })
		out = append(out, ss[i])
	}
	return append(out, last)
}

func mibs(b int64) float64 { return float64(b) / (1 << 20) }
