package bench

import (
	"testing"
	"time"
)

// Goroutines per call are the window's mean and peak over the idle
// process, for the bench's process and each process under test.
func TestGoroutinesPerCallOverTheWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(sec, own, engine int) Sample {
		return Sample{At: t0.Add(time.Duration(sec) * time.Second), Goroutines: own,
			Processes: []ProcessSample{{Name: "engine", Goroutines: engine}}}
	}
	idle, from, to := at(0, 10, 20), at(5, 35, 50), at(8, 60, 90)
	steady := []Sample{at(6, 30, 40), at(7, 50, 80), at(8, 40, 60)}
	r := resources(idle, from, to, steady, 10)
	if r.GoroutinesPerCall != 3 || r.GoroutinesPeakPerCall != 4 || r.Goroutines != 60 {
		t.Errorf("bench process: mean %v, peak %v, at the end %d", r.GoroutinesPerCall, r.GoroutinesPeakPerCall, r.Goroutines)
	}
	e := r.Processes[0]
	if e.Name != "engine" || e.GoroutinesPerCall != 4 || e.GoroutinesPeakPerCall != 6 || e.Goroutines != 90 {
		t.Errorf("engine: %s mean %v, peak %v, at the end %d", e.Name, e.GoroutinesPerCall, e.GoroutinesPeakPerCall, e.Goroutines)
	}
	// A window with no sample in it counts the end alone.
	if r := resources(idle, from, to, nil, 10); r.GoroutinesPerCall != 5 || r.GoroutinesPeakPerCall != 5 {
		t.Errorf("no samples: mean %v, peak %v", r.GoroutinesPerCall, r.GoroutinesPeakPerCall)
	}
}
