package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one run measured, from the callers' side.
type Result struct {
	Name        string        `json:"name"`
	Calls       int           `json:"calls"` // concurrent
	Duration    time.Duration `json:"duration_ns"`
	Speculative bool          `json:"speculative"`

	CallsStarted   int `json:"calls_started"`   // dialled
	CallsCompleted int `json:"calls_completed"` // whose whole script ran
	// Turns: the caller's last speech frame sent → the first frame of the
	// answer received. Overhead: the same minus TurnDelay, what the
	// providers alone took.
	Turns     Summary       `json:"turns"`
	Overhead  Summary       `json:"overhead"`
	TurnDelay time.Duration `json:"turn_delay_ns"`
	// BargeIns: the caller's first frame over the assistant → clear.
	// AfterBargeIn: the answer to what the caller said then, timed as
	// Turns; it includes the assistant's interruption cooldown.
	BargeIns     Summary   `json:"barge_ins"`
	AfterBargeIn Summary   `json:"after_barge_in"`
	Pacing       Pacing    `json:"pacing"`
	Resources    Resources `json:"resources"`
	// Stages are the engine's own timings of its stages (recogniser's end
	// of turn → model request, first synthesised audio → first frame,
	// barge-in → clear) over the run, from its metrics: the SLO's measure.
	Stages []StageSummary `json:"engine_stages,omitempty"`
	Errors map[string]int `json:"errors"`
	// Samples are every timed turn and barge-in, sorted: the histograms of
	// the HTML report.
	Samples Samples `json:"samples"`
	// Timeline is the process's resource use second by second.
	Timeline []Point `json:"timeline"`
}

// Samples are a run's measured latencies, sorted.
type Samples struct {
	Turns    []time.Duration `json:"turns_ns"`
	BargeIns []time.Duration `json:"barge_ins_ns"`
}

// Point is one second of a run.
type Point struct {
	Elapsed    time.Duration `json:"elapsed_ns"`
	Live       int           `json:"live_calls"`
	CPUPercent float64       `json:"cpu_percent"` // over the second before; 100 is one core
	RSS        int64         `json:"rss_bytes"`
	Goroutines int           `json:"goroutines"`
}

// Progress is a running run's state, reported every second.
type Progress struct {
	Name       string
	Elapsed    time.Duration
	Duration   time.Duration
	Live       int
	Turns      int
	Errors     int
	CPUPercent float64
	RSS        int64
}

// load is one run of a fixed number of concurrent calls.
type load struct {
	sys          *system
	calls        int
	duration     time.Duration
	speculative  bool
	turnDelay    time.Duration
	progress     func(Progress)
	name         string
	once         bool          // each caller places one call (tests)
	every        time.Duration // how often resources are sampled for the soak; 0: not kept
	profiles     string        // where the engine's profiles are written at the steady state's end; "": nowhere
	heapProfiles string        // where a heap profile is written with each soak sample; "": none

	errs     *errorCounts
	samples  []Sample
	timeline []Point
	pacing   pacingMeter
	live     atomic.Int64
	started  atomic.Int64
	done     atomic.Int64
	turns    atomic.Int64

	mu         sync.Mutex
	replies    []time.Duration
	afterBarge []time.Duration
	barges     []time.Duration
}

// run holds l.calls calls up for l.duration: callers dial in, staggered
// over the first fifth of the run (at most 5 s), and each dials again
// when its script ends. At the end every call still up hangs up.
// Resources are measured from the last dial-in to the end.
func (l *load) run(ctx context.Context) Result {
	l.errs = &errorCounts{}
	l.sys.errs.Store(l.errs)
	idle := l.sys.idleSample()
	stagesBefore := l.sys.readStages()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	stagger := min(l.duration/5, 5*time.Second)
	var wg sync.WaitGroup
	for i := range l.calls {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			if sleep(ctx, stagger*time.Duration(i)/time.Duration(l.calls)) != nil {
				return
			}
			for ctx.Err() == nil {
				l.call(ctx, i, rng)
				if l.once {
					return
				}
			}
		})
	}
	callersDone := make(chan struct{})
	go func() { wg.Wait(); close(callersDone) }()
	from, steady := l.watch(ctx, start, stagger, callersDone)
	to := l.sys.sample()
	if l.profiles != "" && l.sys.profile != nil {
		if err := writeProfiles(l.sys.profile, l.profiles, l.name); err != nil {
			l.errs.add(err.Error())
		}
	}
	cancel()
	wg.Wait()
	stages := l.sys.readStages().since(stagesBefore)

	overhead := make([]time.Duration, len(l.replies))
	for i, d := range l.replies {
		overhead[i] = d - l.turnDelay
	}
	return Result{Name: l.name, Calls: l.calls, Duration: l.duration, Speculative: l.speculative,
		CallsStarted: int(l.started.Load()), CallsCompleted: int(l.done.Load()),
		Turns: Summarize(l.replies), Overhead: Summarize(overhead), TurnDelay: l.turnDelay,
		BargeIns: Summarize(l.barges), AfterBargeIn: Summarize(l.afterBarge), Pacing: l.pacing.result(),
		Resources: resources(idle, from, to, steady, l.calls), Stages: stages.summaries(), Errors: l.errs.snapshot(),
		Samples: Samples{Turns: l.replies, BargeIns: l.barges}, Timeline: l.timeline} // Summarize sorted them
}

// watch reports progress every second until the run's end, and returns
// the sample taken once every caller has dialled in and the samples taken
// each second after it.
func (l *load) watch(ctx context.Context, start time.Time, stagger time.Duration, callersDone <-chan struct{}) (from Sample, steady []Sample) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	end := start.Add(l.duration)
	wait := time.NewTimer(stagger)
	defer wait.Stop()
	from, last := l.sys.sample(), sample()
	inWindow := false // from has been taken: the calls are all up
	for {
		select {
		case <-ctx.Done():
			return from, steady
		case <-callersDone:
			return from, steady
		case <-wait.C:
			from, inWindow = l.sys.sample(), true
		case now := <-t.C:
			s := l.sys.sample()
			if inWindow {
				steady = append(steady, s)
			}
			cpu := 100 * (s.CPU - last.CPU).Seconds() / s.At.Sub(last.At).Seconds()
			live := int(l.live.Load())
			l.timeline = append(l.timeline, Point{Elapsed: now.Sub(start), Live: live, CPUPercent: cpu, RSS: s.RSS,
				Goroutines: s.Goroutines})
			if l.progress != nil {
				l.progress(Progress{Name: l.name, Elapsed: now.Sub(start), Duration: l.duration, Live: live,
					Turns: int(l.turns.Load()), Errors: l.errs.total(), CPUPercent: cpu, RSS: s.RSS})
			}
			if l.every > 0 && now.Sub(start) >= stagger && (len(l.samples) == 0 || s.At.Sub(l.samples[len(l.samples)-1].At) >= l.every) {
				l.samples = append(l.samples, s)
				if l.heapProfiles != "" {
					if err := writeHeapProfile(l.heapProfiles, now.Sub(start)); err != nil {
						l.errs.add("heap profile: " + err.Error())
					}
				}
			}
			last = s
		}
		if !time.Now().Before(end) {
			return from, steady
		}
	}
}

// call places one call and plays its script to the end or to the run's.
func (l *load) call(ctx context.Context, slot int, rng *rand.Rand) {
	l.started.Add(1)
	c, p, err := l.sys.dial(ctx, fmt.Sprintf("+1444%07d", slot), l.sys.number(l.speculative))
	if err != nil {
		if !ended(ctx, err) {
			l.errs.add("dial: " + kindOf(err))
			_ = sleep(ctx, time.Second) // do not spin on a refusing engine
		}
		return
	}
	l.live.Add(1)
	defer l.live.Add(-1)
	p.OnReceive(l.pacing.stream().observe)
	cl := &caller{c: c, p: p, rng: rng, counted: &l.turns}
	if l.sys.floor {
		err = cl.stream(ctx)
	} else {
		err = cl.converse(ctx)
	}
	lineErr := c.End()
	switch {
	case err == nil:
		l.done.Add(1)
	case !ended(ctx, err):
		l.errs.add(kindOf(err))
	}
	if lineErr != nil && !ended(ctx, lineErr) {
		l.errs.add("call failed: " + lineErr.Error())
	}
	for _, v := range c.Violations() {
		l.errs.add("protocol violation: " + v)
	}
	if l.sys.floor {
		return // the relay's echo is no answer to time
	}
	l.mu.Lock()
	l.replies = append(l.replies, cl.turns...)
	l.afterBarge = append(l.afterBarge, cl.afterBarge...)
	l.barges = append(l.barges, cl.barges...)
	l.mu.Unlock()
}
