package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Options configure a call-load benchmark.
type Options struct {
	// DatabaseURL is the PostgreSQL server an in-process engine gets a
	// fresh database on (dropped afterwards).
	DatabaseURL string
	// Targets, when set, are engines running elsewhere (their public
	// URLs: one engine, or a cluster's nodes, called in turn); APIKey an
	// admin key there; FakesAddr where the provider fakes listen for
	// them. See startRemote.
	Targets           []string
	APIKey, FakesAddr string
	// Carrier is what the calls come over: CarrierTwilio (the default) or
	// CarrierSIP, which needs an engine the bench starts and no floor (the
	// floor relay speaks Twilio's websocket only).
	Carrier string

	Latencies Latencies
	Calls     int           // concurrent calls (the ramp's first step)
	Duration  time.Duration // of a run (of each ramp step)
	// Speculative runs the load again with speculative replies on.
	Speculative bool
	// Floor measures the floor relay under the same load.
	Floor bool
	// Ramp raises the calls step by step until the SLO breaks.
	Ramp bool
	// Soak, when set, holds Calls calls this long, sampling memory.
	Soak time.Duration
	// HeapProfiles, when set with Soak, is a directory a heap profile is
	// written to with each soak sample (heap-<minutes>m.pb.gz), to compare
	// inuse_space over time with go tool pprof -diff_base.
	HeapProfiles string
	// EngineProcess runs the engine (`switchboard serve`), the provider
	// fakes (`switchboard fakes`) and the floor (`switchboard floor`) each
	// in a process of its own, started from Binary, so that the engine's
	// CPU, RSS and goroutines are its alone; the bench process keeps the
	// callers. Otherwise all run in this process (CI smoke runs).
	EngineProcess bool
	Binary        string
	// Profiles, with EngineProcess, is a directory the engine's goroutine
	// dump and heap profile are written to at the end of each run's
	// steady state, for go tool pprof.
	Profiles string

	Progress func(Progress) // every second of every run
}

// TargetProcess is the report's target with --engine-process.
const TargetProcess = "own process"

// floorRatio is the engine's CPU per call-second over the floor's: of
// their own processes when they ran apart, else of this whole process.
func floorRatio(engine, floor Resources) float64 {
	if len(engine.Processes) > 0 && len(floor.Processes) > 0 {
		engine, floor = engine.Processes[0], floor.Processes[0]
	}
	if floor.CPUPerCall <= 0 {
		return 0
	}
	return engine.CPUPerCall / floor.CPUPerCall
}

// The SLO a ramp step must hold.
const (
	sloOverheadP99 = 5 * time.Millisecond
	sloLateRatio   = 0.001
)

// Report is everything a benchmark measured.
type Report struct {
	Date       time.Time     `json:"date"`
	Machine    Machine       `json:"machine"`
	Target     string        `json:"target"`  // "in-process", TargetProcess or the URLs, comma separated
	Carrier    string        `json:"carrier"` // CarrierTwilio or CarrierSIP
	Latencies  Latencies     `json:"latencies"`
	TurnDelay  time.Duration `json:"turn_delay_ns"`
	Runs       []Result      `json:"runs"`
	FloorRatio float64       `json:"floor_cpu_ratio,omitempty"` // engine CPU per call ÷ the floor's
	Ramp       *RampReport   `json:"ramp,omitempty"`
	Soak       *SoakReport   `json:"soak,omitempty"`
}

// Machine is where the benchmark ran.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
}

func thisMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// Run starts the engine (in this process, or reaches the target), runs
// the benchmark the options ask for and reports it.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Calls <= 0 || o.Duration <= 0 && o.Soak <= 0 {
		return nil, errors.New("bench: calls and a duration must be positive")
	}
	sip := o.Carrier == CarrierSIP
	switch {
	case o.Carrier != "" && o.Carrier != CarrierTwilio && !sip:
		return nil, fmt.Errorf("bench: carrier %q: want %s or %s", o.Carrier, CarrierTwilio, CarrierSIP)
	case sip && len(o.Targets) > 0:
		return nil, errors.New("bench: SIP calls need an engine the bench starts, not a target")
	case sip && o.Floor:
		return nil, errors.New("bench: the floor relay takes Twilio's websocket only, not SIP calls")
	}
	rep := &Report{Date: time.Now().UTC(), Machine: thisMachine(), Target: "in-process", Carrier: CarrierTwilio,
		Latencies: o.Latencies, TurnDelay: o.Latencies.TurnDelay()}
	if sip {
		rep.Carrier = CarrierSIP
	}
	var sys *system
	var fk *fakesProcess
	var err error
	switch {
	case len(o.Targets) > 0:
		rep.Target = strings.Join(o.Targets, ",")
		sys, err = startRemote(ctx, o.Targets, o.APIKey, o.FakesAddr, o.Latencies)
	case o.EngineProcess:
		rep.Target = TargetProcess
		dir, derr := os.MkdirTemp("", "switchboard-bench-")
		if derr != nil {
			return nil, fmt.Errorf("bench: %w", derr)
		}
		defer os.RemoveAll(dir)
		if fk, err = startFakesProcess(ctx, o.Binary, o.Latencies, dir); err != nil {
			return nil, err
		}
		defer fk.stop()
		sys, err = startEngineProcess(ctx, o.Binary, o.DatabaseURL, o.Latencies, fk, dir, sip)
	default:
		sys, err = startEngine(ctx, o.DatabaseURL, o.Latencies, sip)
	}
	if err != nil {
		return nil, err
	}
	defer sys.close()
	engineRun := func(name string, calls int, d time.Duration, spec bool, every time.Duration) *load {
		return &load{sys: sys, name: name, calls: calls, duration: d, speculative: spec, turnDelay: rep.TurnDelay,
			progress: o.Progress, every: every, profiles: o.Profiles, heapProfiles: o.HeapProfiles}
	}
	switch {
	case o.Ramp:
		rep.Ramp = ramp(ctx, o, func(n int) Result { return engineRun(fmt.Sprintf("ramp %d", n), n, o.Duration, false, 0).run(ctx) })
		rep.Runs = rep.Ramp.Steps
	case o.Soak > 0:
		l := engineRun("soak", o.Calls, o.Soak, false, min(time.Minute, o.Soak/30))
		r := l.run(ctx)
		rep.Runs = []Result{r}
		rep.Soak = soakReport(l.samples, r.CallsStarted)
	default:
		rep.Runs = append(rep.Runs, engineRun("engine", o.Calls, o.Duration, false, 0).run(ctx))
		if o.Speculative {
			rep.Runs = append(rep.Runs, engineRun("engine, speculative", o.Calls, o.Duration, true, 0).run(ctx))
		}
	}
	if o.Floor && ctx.Err() == nil {
		sys.close() // the engine is done with: it must not share the machine with the floor
		var floor *system
		if fk != nil {
			floor, err = startFloorProcess(ctx, o.Binary, fk)
		} else {
			floor, err = startFloor(o.Latencies)
		}
		if err != nil {
			return nil, err
		}
		defer floor.close()
		calls := o.Calls
		if rep.Ramp != nil {
			calls = max(rep.Ramp.Held, o.Calls)
		}
		fr := (&load{sys: floor, name: "floor", calls: calls, duration: o.Duration, progress: o.Progress}).run(ctx)
		engine := rep.Runs[0]
		if rep.Ramp != nil {
			engine = rep.Ramp.heldResult()
		}
		rep.FloorRatio = floorRatio(engine.Resources, fr.Resources)
		rep.Runs = append(rep.Runs, fr)
	}
	return rep, ctx.Err()
}
