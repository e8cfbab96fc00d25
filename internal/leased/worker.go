// Package leased runs the jobs of a durable PostgreSQL queue: a bounded
// number at once, claimed under a lease (so that several nodes share the
// queue), each attempt under a timeout, a failed attempt retried with
// backoff up to a number of attempts, and the unfinished ones handed back
// when the worker stops. What a job is, what an attempt does and how its
// outcome is stored belong to the domain (Jobs).
package leased

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/wakeup"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Jobs is one kind of job J with its outcome O: the queue that holds
// them and what an attempt does.
type Jobs[J, O any] interface {
	// Claim leases up to limit jobs due at now.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]J, error)
	// Ref is how j is counted and logged.
	Ref(j J) Ref
	// Attempt makes one attempt at j; status is o's: final, or
	// Options.Pending for an attempt to retry.
	Attempt(ctx context.Context, j J) (o O, status string)
	// Release hands j back, its attempt not counted.
	Release(ctx context.Context, j J, now time.Time) error
	// Finish records o as e says: as it is, pending until e.Retry, or
	// failed; persistence.ErrStaleClaim when the claim was lost.
	Finish(ctx context.Context, j J, o O, e End) error
	// Recorded follows a recorded outcome (its log, its effects); label is
	// the outcome counted: a final status, or Retry.
	Recorded(j J, o O, label string, e End)
}

// Ref is a job as the worker counts and logs it.
type Ref struct {
	Attempt int       // the number of its current attempt, from 1
	ID      slog.Attr // its id in logs
}

// Words are the worker's log messages, in the domain's words.
type Words struct {
	Unavailable string     // the queue cannot be claimed from
	NotReleased string     // a job was not handed back
	Stale       string     // an outcome was dropped: the claim was lost
	StaleLevel  slog.Level // how the domain rates a lost claim
	NotRecorded string     // an outcome was not recorded
}

// Next is what becomes of an attempt.
type Next int

const (
	// Final: the attempt's outcome is final as it is.
	Final Next = iota
	// Retried: the outcome was pending; the job is due again at End.Retry.
	Retried
	// GivenUp: the outcome was pending on the last allowed attempt: the
	// job failed.
	GivenUp
)

// End is how an attempt ended.
type End struct {
	Next  Next
	At    time.Time     // on the worker's clock
	Retry time.Time     // when Next is Retried
	Took  time.Duration // the attempt and its record, on the wall clock
}

// Outcome labels the worker counts besides the domain's final statuses.
const (
	Retry    = "retry"
	Released = "released"
)

// Options configure a Worker.
type Options struct {
	Clock       clock.Clock   // nil: the real clock
	Workers     int           // jobs run at once
	Timeout     time.Duration // one attempt
	Lease       time.Duration // how long a claim holds a job; Timeout + 1 min when zero
	Poll        time.Duration // how often to look for due jobs when idle
	Record      time.Duration // how long recording an outcome may take
	MaxAttempts int
	Backoff     backoff.Policy // the wait after a failed attempt
	// Pending is the status of an outcome to retry, Failed the one a
	// job ends with after MaxAttempts.
	Pending, Failed string
	// Metrics (nil: none) receives the counter Outcomes{outcome=…} for
	// Finals (the final statuses, Failed among them), Retry and Released,
	// and the gauge Running. The names are whole, so that each stands in
	// its worker's source where a reader (or a dashboard's test) looks.
	Metrics           *vm.Set
	Outcomes, Running string
	Finals            []string
	Log               *slog.Logger
	Words             Words
}

// Defaults are the domain's values for the Options left zero.
type Defaults struct {
	Workers     int
	Timeout     time.Duration
	Poll        time.Duration
	MaxAttempts int
	Backoff     backoff.Policy
}

func (o *Options) defaults(d Defaults) {
	set := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&o.Timeout, d.Timeout)
	set(&o.Lease, o.Timeout+time.Minute)
	set(&o.Poll, d.Poll)
	set(&o.Backoff.Min, d.Backoff.Min)
	set(&o.Backoff.Max, d.Backoff.Max)
	if o.Workers <= 0 {
		o.Workers = d.Workers
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = d.MaxAttempts
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Metrics == nil {
		o.Metrics = vm.NewSet()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Worker runs the jobs due in a queue.
type Worker[J, O any] struct {
	opt      Options
	jobs     Jobs[J, O]
	wake     *wakeup.Signal
	slots    chan struct{}
	inFlight sync.WaitGroup
	outcomes map[string]*vm.Counter
}

// New returns a worker; Run starts it. The Options left zero take their
// values from d.
func New[J, O any](jobs Jobs[J, O], o Options, d Defaults) *Worker[J, O] {
	o.defaults(d)
	w := &Worker[J, O]{opt: o, jobs: jobs, wake: wakeup.New(), slots: make(chan struct{}, o.Workers), outcomes: map[string]*vm.Counter{}}
	for _, k := range slices.Concat(o.Finals, []string{Retry, Released}) {
		w.outcomes[k] = o.Metrics.NewCounter(fmt.Sprintf(`%s{outcome=%q}`, o.Outcomes, k))
	}
	o.Metrics.NewGauge(o.Running, func() float64 { return float64(len(w.slots)) })
	return w
}

// Kick makes a running worker look for due jobs now instead of at its
// next poll.
func (w *Worker[J, O]) Kick() { w.wake.Kick() }

// Run runs due jobs until ctx ends, starting one whenever a slot is free;
// then it releases the jobs it had not finished and returns.
func (w *Worker[J, O]) Run(ctx context.Context) {
	defer w.inFlight.Wait()
	w.wake.Loop(ctx, w.opt.Clock, w.opt.Poll, func(ctx context.Context) (bool, error) {
		free := cap(w.slots) - len(w.slots)
		if free == 0 {
			return false, nil // a finished job kicks
		}
		n, err := w.start(ctx, free)
		return n > 0 && n == free, err // every slot filled: more may be due
	}, func(err error) { w.opt.Log.Warn(w.opt.Words.Unavailable, "err", err) })
}

// RunDue claims the jobs due now, up to the worker's slots, runs them and
// waits for them; it returns how many it claimed. It is Run's single
// step, for tests and benchmarks: not to be called while Run runs.
func (w *Worker[J, O]) RunDue(ctx context.Context) (int, error) {
	n, err := w.start(ctx, w.opt.Workers)
	w.inFlight.Wait()
	return n, err
}

// start claims up to limit due jobs and runs each in its own slot.
func (w *Worker[J, O]) start(ctx context.Context, limit int) (int, error) {
	jobs, err := w.jobs.Claim(ctx, w.opt.Clock.Now(), w.opt.Lease, limit)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		w.slots <- struct{}{}
		w.inFlight.Go(func() {
			defer func() {
				<-w.slots
				w.Kick() // a slot is free
			}()
			w.run(ctx, j)
		})
	}
	return len(jobs), nil
}

// run makes one attempt at a job and records its outcome.
func (w *Worker[J, O]) run(ctx context.Context, j J) {
	started := time.Now()
	actx, cancel := context.WithTimeout(ctx, w.opt.Timeout)
	o, label := w.jobs.Attempt(actx, j)
	pending := label == w.opt.Pending
	cancel()
	// recorded even if ctx ends: the attempt happened, or is handed back
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.Record)
	defer rcancel()
	e, ref := End{At: w.opt.Clock.Now()}, w.jobs.Ref(j)
	if ctx.Err() != nil && pending {
		w.outcomes[Released].Inc()
		if err := w.jobs.Release(rctx, j, e.At); err != nil {
			w.opt.Log.Warn(w.opt.Words.NotReleased, ref.ID, "err", err)
		}
		return
	}
	if pending {
		if ref.Attempt >= w.opt.MaxAttempts {
			e.Next, label = GivenUp, w.opt.Failed
		} else {
			e.Next, e.Retry, label = Retried, e.At.Add(w.opt.Backoff.Wait(ref.Attempt, 0)), Retry
		}
	}
	err := w.jobs.Finish(rctx, j, o, e)
	switch {
	case errors.Is(err, persistence.ErrStaleClaim):
		w.opt.Log.Log(rctx, w.opt.Words.StaleLevel, w.opt.Words.Stale, ref.ID, "attempt", ref.Attempt)
		return
	case err != nil:
		w.opt.Log.Error(w.opt.Words.NotRecorded, ref.ID, "err", err)
		return
	}
	w.outcomes[label].Inc()
	e.Took = time.Since(started)
	w.jobs.Recorded(j, o, label, e)
}
