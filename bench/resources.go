package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"syscall"
	"time"
)

// Sample is the process's resource use at one moment.
type Sample struct {
	At         time.Time     `json:"at"`
	CPU        time.Duration `json:"cpu_ns"` // user + system time since the process started
	RSS        int64         `json:"rss_bytes"`
	Goroutines int           `json:"goroutines"`
	// FDs are the open file descriptors (/proc/self/fd; 0 where there is
	// no /proc): a socket or file a call forgets to close shows here.
	FDs int `json:"fds"`
	// Threads are the OS threads: each that has run C code (the MP3
	// encoder) holds a C stack and may hold a malloc arena of its own.
	Threads int `json:"threads"`
	// Heap is the Go heap's spans in use, HeapLive what the last
	// collection found reachable, Stacks the goroutine stacks, and GoHeld
	// all the memory the Go runtime holds and has not returned to the OS
	// (runtime/metrics). RSS − GoHeld is the rest: the C heap (cgo: the
	// MP3 encoder) and the binary's pages.
	Heap     int64 `json:"heap_inuse_bytes"`
	HeapLive int64 `json:"heap_live_bytes"`
	Stacks   int64 `json:"stack_inuse_bytes"`
	GoHeld   int64 `json:"go_held_bytes"`
	// Processes are the processes under test, when they run apart.
	Processes []ProcessSample `json:"processes,omitempty"`
}

// sample reads the process's resource use now (getrusage, /proc/self
// and runtime/metrics; RSS, FDs and Threads are 0 where there is no
// /proc).
func sample() Sample {
	s := Sample{At: time.Now(), Goroutines: runtime.NumGoroutine(), FDs: fds()}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		s.RSS, s.Threads = statusValue(b, "VmRSS"), int(statusValue(b, "Threads"))
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(m)
	v := func(i int) int64 {
		if m[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(m[i].Value.Uint64())
	}
	s.Heap, s.HeapLive, s.Stacks, s.GoHeld = v(0)+v(1), v(2), v(3), v(4)-v(5)
	return s
}

// fds counts the process's open file descriptors, less the one reading
// them.
func fds() int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(es) - 1
}

// Resources is a run's resource use over its steady state, when all its
// calls were up.
type Resources struct {
	Window time.Duration `json:"window_ns"`
	// CPUPercent is CPU time over wall time (100 % is one core busy).
	CPUPercent float64 `json:"cpu_percent"`
	// CPUPerCall is CPU time per call-second, in µs (1,000 µs is 0.1 % of
	// a core per call).
	CPUPerCall float64 `json:"cpu_us_per_call_second"`
	// RSS and Goroutines are at the window's end; RSSPerCall is RSS's
	// growth over the idle process, divided by the calls up.
	RSS        int64 `json:"rss_bytes"`
	RSSPerCall int64 `json:"rss_bytes_per_call"`
	Goroutines int   `json:"goroutines"`
	// GoroutinesPerCall is the mean of the window's once-a-second counts,
	// and GoroutinesPeakPerCall their highest, less the idle process's,
	// divided by the calls up. The scripted calls go through their turns
	// nearly together, so a count at one moment (the window's end) says
	// where in the script it fell as much as what a call holds.
	GoroutinesPerCall     float64 `json:"goroutines_per_call"`
	GoroutinesPeakPerCall float64 `json:"goroutines_peak_per_call"`
	// Processes are the same figures for each process under test, when
	// they run apart from the bench (--engine-process): the engine's or
	// the floor's alone.
	Processes []Resources `json:"processes,omitempty"`
	Name      string      `json:"name,omitempty"` // of a process
	// HeapPerCall and StacksPerCall split a process's RSS per call: its
	// Go heap in use and its goroutine stacks, grown over the idle process.
	HeapPerCall   int64 `json:"heap_bytes_per_call,omitempty"`
	StacksPerCall int64 `json:"stack_bytes_per_call,omitempty"`
}

// resources compares two samples over a window in which calls were up,
// against the process idle before the run; steady are the window's
// once-a-second samples.
func resources(idle, from, to Sample, steady []Sample, calls int) Resources {
	r := Resources{Window: to.At.Sub(from.At), RSS: to.RSS, Goroutines: to.Goroutines}
	if r.Window <= 0 || calls <= 0 {
		return r
	}
	cpu := to.CPU - from.CPU
	r.CPUPercent = 100 * cpu.Seconds() / r.Window.Seconds()
	r.CPUPerCall = float64(cpu.Microseconds()) / r.Window.Seconds() / float64(calls)
	r.RSSPerCall = (to.RSS - idle.RSS) / int64(calls)
	r.GoroutinesPerCall, r.GoroutinesPeakPerCall = goroutinesPerCall(idle, to, steady, calls)
	for i := range min(len(idle.Processes), len(from.Processes), len(to.Processes)) {
		var own []Sample
		for _, s := range steady {
			if i < len(s.Processes) {
				own = append(own, s.Processes[i].at(s.At))
			}
		}
		r.Processes = append(r.Processes, resources(idle.Processes[i].at(idle.At), from.Processes[i].at(from.At),
			to.Processes[i].at(to.At), own, calls))
		r.Processes[i].Name = to.Processes[i].Name
		r.Processes[i].HeapPerCall = (to.Processes[i].Heap - idle.Processes[i].Heap) / int64(calls)
		r.Processes[i].StacksPerCall = (to.Processes[i].Stacks - idle.Processes[i].Stacks) / int64(calls)
	}
	return r
}

// at is the process's sample as one of its own, taken at t.
func (p ProcessSample) at(t time.Time) Sample {
	return Sample{At: t, CPU: p.CPU, RSS: p.RSS, Goroutines: p.Goroutines}
}

// goroutinesPerCall is the mean and the highest of the goroutine counts
// over the window (the window's end alone if no sample fell in it), less
// the idle process's, per call.
func goroutinesPerCall(idle, to Sample, steady []Sample, calls int) (mean, peak float64) {
	if len(steady) == 0 {
		steady = []Sample{to}
	}
	sum, most := 0, 0
	for _, s := range steady {
		sum += s.Goroutines
		most = max(most, s.Goroutines)
	}
	avg := float64(sum) / float64(len(steady))
	return (avg - float64(idle.Goroutines)) / float64(calls), float64(most-idle.Goroutines) / float64(calls)
}

// writeHeapProfile writes the heap's profile after a collection, so that
// inuse_space counts only what is still reachable, to dir named by the
// time into the run.
func writeHeapProfile(dir string, at time.Duration) error {
	runtime.GC()
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%05.1fm.pb.gz", at.Minutes())))
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
