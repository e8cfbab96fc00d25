package bench

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", ms(7), Summary{Count: 1, P50: 7 * time.Millisecond, P95: 7 * time.Millisecond, P99: 7 * time.Millisecond, Max: 7 * time.Millisecond}},
		{"unsorted", ms(4, 1, 3, 2), Summary{Count: 4, P50: 2 * time.Millisecond, P95: 4 * time.Millisecond, P99: 4 * time.Millisecond, Max: 4 * time.Millisecond}},
		{"1..100", ms(hundred...), Summary{Count: 100, P50: 50 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}},
		{"negative overheads", ms(-5, -1, 2), Summary{Count: 3, P50: -time.Millisecond, P95: 2 * time.Millisecond, P99: 2 * time.Millisecond, Max: 2 * time.Millisecond}},
	} {
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// The histogram agrees with the exact percentiles to within its bucket.
func TestHistogramPercentiles(t *testing.T) {
	var h histogram
	var exact []time.Duration
	for i := range 1000 {
		d := time.Duration(i*37%1000) * 50 * time.Microsecond // 0 to 49.95 ms
		h.add(d)
		exact = append(exact, d)
	}
	h.add(3 * time.Second) // off the scale
	exact = append(exact, 3*time.Second)
	got, want := h.summary(), Summarize(exact)
	if got.Count != want.Count || got.Max != want.Max {
		t.Fatalf("count/max: got %+v, want %+v", got, want)
	}
	for _, q := range [][2]time.Duration{{got.P50, want.P50}, {got.P95, want.P95}, {got.P99, want.P99}} {
		if q[0] < q[1] || q[0]-q[1] > histBucket {
			t.Errorf("got %v, want %v within %v above", q[0], q[1], histBucket)
		}
	}
	var empty histogram
	if s := empty.summary(); s != (Summary{}) {
		t.Errorf("empty: %+v", s)
	}
}

// Pacing: frames on time, a late one (a stall), and a new stretch after
// a long silence.
func TestPacing(t *testing.T) {
	var m pacingMeter
	s := m.stream()
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, ms := range []int{0, 0, 0, 20, 40, 60, 150, 160, 180, 1000, 1000} {
		s.observe(at(ms), nil)
	}
	p := m.result()
	// Frame 6 was due by 140 ms (7 frames from 0, one of slack); at 150 it
	// is late by 10 ms: one missing frame. The playout resumes from it, so
	// 160 and 180 are on time.
	if p.Frames != 11 || p.Late != 1 || p.Underruns != 1 || p.MissingFrames != 1 {
		t.Fatalf("%+v", p)
	}
	if p.Jitter.Count != 6 || p.Jitter.Max != 70*time.Millisecond {
		t.Fatalf("jitter %+v", p.Jitter)
	}
}
