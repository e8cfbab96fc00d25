package leased

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/persistence"
)

type job struct{ id, attempt int }

type outcome struct {
	id, attempt int
	status      string // "pending", "done" or "failed"
	retry       time.Time
}

// queue is an in-memory queue of one job, with the domain's side of
// Jobs: every attempt returns result (or, when block is set, waits for
// the worker's context and returns pending).
type queue struct {
	mu       sync.Mutex
	clk      *clock.Virtual
	attempt  int       // the attempts claimed so far
	due      time.Time // zero: not due (finished, or claimed)
	result   string
	block    chan struct{} // closed when an attempt starts; the attempt waits for ctx
	stale    bool          // Finish reports a lost claim
	released []int
	finished []outcome
	recorded []string
	logs     *logs
}

func (q *queue) Claim(_ context.Context, now time.Time, _ time.Duration, limit int) ([]job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.due.IsZero() || now.Before(q.due) || limit < 1 {
		return nil, nil
	}
	q.due, q.attempt = time.Time{}, q.attempt+1
	return []job{{id: 1, attempt: q.attempt}}, nil
}

func (*queue) Ref(j job) Ref { return Ref{Attempt: j.attempt, ID: slog.Int("job_id", j.id)} }

func (q *queue) Attempt(ctx context.Context, j job) (outcome, string) {
	if q.block != nil {
		close(q.block)
		<-ctx.Done()
		return outcome{status: "pending"}, "pending"
	}
	return outcome{status: q.result}, q.result
}

func (q *queue) Release(_ context.Context, j job, now time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.released = append(q.released, j.attempt)
	q.due, q.attempt = now, q.attempt-1
	return nil
}

func (q *queue) Finish(_ context.Context, j job, o outcome, e End) error {
	o.id, o.attempt, o.retry = j.id, j.attempt, e.Retry
	if e.Next == GivenUp {
		o.status = "failed"
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stale {
		return fmt.Errorf("finish: %w", persistence.ErrStaleClaim)
	}
	q.finished = append(q.finished, o)
	if !o.retry.IsZero() {
		q.due = o.retry
	}
	return nil
}

func (q *queue) Recorded(_ job, _ outcome, label string, _ End) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.recorded = append(q.recorded, label)
}

// logs is a handler that keeps the messages logged.
type logs struct {
	mu   sync.Mutex
	msgs []string
}

func (*logs) Enabled(context.Context, slog.Level) bool { return true }
func (l *logs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Level.String()+" "+r.Message)
	return nil
}
func (l *logs) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logs) WithGroup(string) slog.Handler      { return l }

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newWorker(q *queue) (*Worker[job, outcome], *vm.Set) {
	set := vm.NewSet()
	q.clk = clock.NewVirtual(start)
	q.due = start
	return New[job, outcome](q, Options{
		Clock: q.clk, Workers: 2, Timeout: time.Minute, Lease: 2 * time.Minute, Poll: time.Second, Record: 10 * time.Second, Pending: "pending", Failed: "failed",
		MaxAttempts: 3, Backoff: backoff.Policy{Min: 10 * time.Second, Max: time.Hour},
		Metrics: set, Outcomes: "test_jobs_total", Running: "test_jobs_running", Finals: []string{"done", "failed"},
		Log: slog.New(q.logs), Words: Words{Unavailable: "unavailable", NotReleased: "not released", Stale: "stale", StaleLevel: slog.LevelInfo, NotRecorded: "not recorded"},
	}, Defaults{}), set
}

func count(set *vm.Set, label string) uint64 {
	return set.GetOrCreateCounter(fmt.Sprintf(`test_jobs_total{outcome=%q}`, label)).Get()
}

func TestAFinalOutcomeIsRecordedAsItIs(t *testing.T) {
	q := &queue{logs: &logs{}, result: "done"}
	w, set := newWorker(q)
	if n, err := w.RunDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunDue = %d, %v; want 1 job", n, err)
	}
	if len(q.finished) != 1 || q.finished[0].status != "done" || !q.finished[0].retry.IsZero() {
		t.Fatalf("finished %+v, want one done without retry", q.finished)
	}
	if count(set, "done") != 1 || len(q.recorded) != 1 || q.recorded[0] != "done" {
		t.Fatalf("done counted %d, recorded %v", count(set, "done"), q.recorded)
	}
}

func TestAPendingOutcomeIsRetriedWithBackoffThenFailsAfterMaxAttempts(t *testing.T) {
	q := &queue{logs: &logs{}, result: "pending"}
	w, set := newWorker(q)
	for attempt := 1; attempt <= 3; attempt++ {
		if n, err := w.RunDue(t.Context()); n != 1 || err != nil {
			t.Fatalf("attempt %d: RunDue = %d, %v; want 1 job", attempt, n, err)
		}
		o := q.finished[attempt-1]
		if o.attempt != attempt {
			t.Fatalf("recorded attempt %d, want %d", o.attempt, attempt)
		}
		if attempt == 3 {
			if o.status != "failed" || !o.retry.IsZero() {
				t.Fatalf("last attempt recorded %+v, want failed without retry", o)
			}
			break
		}
		base := 10 * time.Second << (attempt - 1)
		if wait := o.retry.Sub(q.clk.Now()); o.status != "pending" || wait < base*4/5 || wait > base*6/5 {
			t.Fatalf("attempt %d recorded %+v: retry in %v, want pending and about %v", attempt, o, wait, base)
		}
		if n, _ := w.RunDue(t.Context()); n != 0 {
			t.Fatal("a job waiting for its retry was claimed")
		}
		q.clk.Advance(o.retry.Sub(q.clk.Now()))
	}
	if n, _ := w.RunDue(t.Context()); n != 0 {
		t.Fatal("a failed job was claimed again")
	}
	if r, f := count(set, Retry), count(set, "failed"); r != 2 || f != 1 {
		t.Fatalf("counted %d retries and %d failures, want 2 and 1", r, f)
	}
	if fmt.Sprint(q.recorded) != "[retry retry failed]" {
		t.Fatalf("recorded %v", q.recorded)
	}
}

func TestShutdownReleasesAPendingAttempt(t *testing.T) {
	q := &queue{logs: &logs{}, block: make(chan struct{})}
	w, set := newWorker(q)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		w.Run(ctx)
		close(done)
	}()
	<-q.block // the attempt is running
	cancel()
	<-done // Run waits for its attempts
	if fmt.Sprint(q.released) != "[1]" || len(q.finished) != 0 || len(q.recorded) != 0 {
		t.Fatalf("released %v, finished %+v, recorded %v; want attempt 1 released only", q.released, q.finished, q.recorded)
	}
	if count(set, Released) != 1 {
		t.Fatalf("released counted %d, want 1", count(set, Released))
	}
	if q.attempt != 0 || !q.due.Equal(q.clk.Now()) {
		t.Fatalf("after release: attempt %d due %v, want 0 due now", q.attempt, q.due)
	}
}

func TestAStaleClaimDropsTheOutcome(t *testing.T) {
	q := &queue{logs: &logs{}, result: "done", stale: true}
	w, set := newWorker(q)
	if n, err := w.RunDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunDue = %d, %v; want 1 job", n, err)
	}
	if fmt.Sprint(q.logs.msgs) != "[INFO stale]" || len(q.recorded) != 0 || count(set, "done") != 0 {
		t.Fatalf("logs %v, recorded %v, done counted %d; want the stale claim logged, nothing counted", q.logs.msgs, q.recorded, count(set, "done"))
	}
}
