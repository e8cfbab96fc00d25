package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// soakSamples are an hour of samples a minute apart, RSS given by rss at
// each minute, fds by fds, and goroutines swinging by 60 with the calls'
// phases.
func soakSamples(rss func(m int) int64, fds func(m int) int) []Sample {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var ss []Sample
	for m := range 61 {
		ss = append(ss, Sample{At: t0.Add(time.Duration(m) * time.Minute), RSS: rss(m), Heap: 30 << 20,
			Goroutines: 300 + 60*(m%2), FDs: fds(m)})
	}
	return ss
}

func TestSoakReportTellsLevellingOffFromGrowth(t *testing.T) {
	const mib = 1 << 20
	const placed = 2100 // 35 calls a minute, as 20 calls of the bench's script place
	steady := func(int) int { return 100 }
	for _, c := range []struct {
		name           string
		rss            func(m int) int64
		fds            func(m int) int
		flat, levelled bool
	}{
		{"flat", func(m int) int64 { return 110*mib + int64(m%2)*mib }, steady, true, true},
		// warms up by 20 MiB over 20 minutes, then holds
		{"levels off", func(m int) int64 { return 100*mib + int64(min(m, 20))*mib }, steady, false, true},
		// +0.2 MiB/min to the end: 12 MiB an hour, over 5 % of ~116 MiB
		{"grows", func(m int) int64 { return 110*mib + int64(m)*mib/5 }, steady, false, false},
		// one fd per five calls placed
		{"leaks fds", func(m int) int64 { return 110 * mib }, func(m int) int { return 100 + 7*m }, false, false},
	} {
		r := soakReport(soakSamples(c.rss, c.fds), placed)
		if r.Flat != c.flat || r.Levelled != c.levelled {
			t.Errorf("%s: flat %v, levelled %v; want %v, %v (overall %+v, last third %+v)", c.name, r.Flat, r.Levelled,
				c.flat, c.levelled, r.Overall, r.LastThird)
		}
		if r.LastThird.From != 40*time.Minute || r.LastThird.To != time.Hour || r.LastThird.Samples != 21 {
			t.Errorf("%s: last third %v–%v, %d samples; want 40m–1h, 21", c.name, r.LastThird.From, r.LastThird.To, r.LastThird.Samples)
		}
	}
	r := soakReport(soakSamples(func(m int) int64 { return 100*mib + int64(min(m, 20))*mib }, steady), placed)
	if got := r.Overall.RSS / mib; got < 0.2 || got > 0.3 {
		t.Errorf("overall RSS slope %.2f MiB/min; want the fitted 0.2–0.3", got)
	}
	if r.LastThird.RSS != 0 {
		t.Errorf("last third's RSS slope %.2f MiB/min; want 0", r.LastThird.RSS/mib)
	}
	var b bytes.Buffer
	writeSoak(&b, r)
	for _, want := range []string{"   0.0 min: RSS 100.0 MiB", "  10.0 min: RSS 110.0 MiB", "  60.0 min: RSS 120.0 MiB",
		"slope last third (40–60 min, 21 samples): RSS +0.00 MiB/min", "not flat", "levels off"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSampleReadsHeapAndFDs(t *testing.T) {
	s := sample()
	if s.Heap <= 0 || s.HeapLive < 0 || s.Stacks <= 0 || s.GoHeld < s.Heap {
		t.Errorf("heap %d in use, %d live, stacks %d, Go holds %d", s.Heap, s.HeapLive, s.Stacks, s.GoHeld)
	}
	if s.FDs < 3 || s.Threads < 1 { // stdin, stdout, stderr at least
		t.Errorf("%d open fds, %d threads", s.FDs, s.Threads)
	}
}
