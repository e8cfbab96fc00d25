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
// them, what an attempt does and what the worker logs.
type Jobs[J, O any] interface {
	// Claim leases up to limit jobs due at now.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]J, error)
	// Attempts is the number of j's current attempt, from 1.
	Attempts(j J) int
	// Attempt makes one attempt at j; pending when its outcome is not
	// final (the attempt is to be retried).
	Attempt(ctx context.Context, j J) (o O, pending bool)
	// Release hands j back, its attempt not counted.
	Release(ctx context.Context, j J, now time.Time) error
	// Settle makes o the outcome to record as e says; label is the
	// outcome counted: o's final status, or Retry.
	Settle(j J, o O, e End) (settled O, label string)
	// Finish records an outcome; persistence.ErrStaleClaim when the claim
	// was lost.
	Finish(ctx context.Context, o O) error
	// Recorded follows a recorded outcome (its log, its effects).
	Recorded(j J, o O, label string, e End)

	NotReleased(j J, err error) // logs a failed Release
	Stale(j J)                  // logs an outcome dropped: ErrStaleClaim
	NotRecorded(j J, err error) // logs a failed Finish
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

// Options configure a Worker; the domain fills in its defaults.
type Options struct {
	Clock       clock.Clock
	Workers     int           // jobs run at once
	Timeout     time.Duration // one attempt
	Lease       time.Duration // how long a claim holds a job
	Poll        time.Duration // how often to look for due jobs when idle
	Record      time.Duration // how long recording an outcome may take
	MaxAttempts int
	Backoff     backoff.Policy // the wait after a failed attempt
	// Metrics receives Metric+"_total{outcome=…}" for Finals, Retry and
	// Released, and the gauge Metric+"_running".
	Metrics *vm.Set
	Metric  string
	Finals  []string
	// Unavailable logs a failed claim.
	Unavailable func(error)
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

// New returns a worker; Run starts it.
func New[J, O any](jobs Jobs[J, O], o Options) *Worker[J, O] {
	w := &Worker[J, O]{opt: o, jobs: jobs, wake: wakeup.New(), slots: make(chan struct{}, o.Workers), outcomes: map[string]*vm.Counter{}}
	for _, k := range slices.Concat(o.Finals, []string{Retry, Released}) {
		w.outcomes[k] = o.Metrics.NewCounter(fmt.Sprintf(`%s_total{outcome=%q}`, o.Metric, k))
	}
	o.Metrics.NewGauge(o.Metric+"_running", func() float64 { return float64(len(w.slots)) })
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
	}, w.opt.Unavailable)
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
	o, pending := w.jobs.Attempt(actx, j)
	cancel()
	// recorded even if ctx ends: the attempt happened, or is handed back
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.Record)
	defer rcancel()
	e := End{At: w.opt.Clock.Now()}
	if ctx.Err() != nil && pending {
		w.outcomes[Released].Inc()
		if err := w.jobs.Release(rctx, j, e.At); err != nil {
			w.jobs.NotReleased(j, err)
		}
		return
	}
	if pending {
		n := w.jobs.Attempts(j)
		if n >= w.opt.MaxAttempts {
			e.Next = GivenUp
		} else {
			e.Next, e.Retry = Retried, e.At.Add(w.opt.Backoff.Wait(n, 0))
		}
	}
	o, label := w.jobs.Settle(j, o, e)
	err := w.jobs.Finish(rctx, o)
	switch {
	case errors.Is(err, persistence.ErrStaleClaim):
		w.jobs.Stale(j)
		return
	case err != nil:
		w.jobs.NotRecorded(j, err)
		return
	}
	w.outcomes[label].Inc()
	e.Took = time.Since(started)
	w.jobs.Recorded(j, o, label, e)
}
