package analysis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/leased"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/voice"
)

// Store is the queue and what an analysis reads: *persistence.Store.
type Store interface {
	ClaimAnalyses(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]persistence.AnalysisJob, error)
	FinishAnalysis(ctx context.Context, o persistence.AnalysisOutcome) error
	ReleaseAnalysis(ctx context.Context, callID int64, attempt int, now time.Time) error
	LoadCall(ctx context.Context, id int64) (persistence.CallRow, error)
	ListChatMessages(ctx context.Context, orgID, callID int64) ([]persistence.ChatMessageRow, error)
}

// Configs gives an assistant's configuration, secrets opened; ErrNoAssistant
// when the assistant no longer exists.
type Configs interface {
	AssistantConfig(ctx context.Context, orgID, assistantID int64) (assistant.Config, error)
}

// Models gives the model a configuration names, with its fallbacks, for
// work off a call's hot path (providers.Set.OfflineLLM).
type Models interface {
	OfflineLLM(c *voice.CallInfo, cfg assistant.Config) (voice.LLM, error)
}

// Options configure a Worker.
type Options struct {
	Store   Store
	Configs Configs
	Models  Models
	Clock   clock.Clock // the real clock when nil
	Log     *slog.Logger
	Metrics *vm.Set // nil: none
	// Finished is called after an analysis is done (however it ended), so
	// that the end-of-call report waiting for it goes out now.
	Finished func()

	Workers     int            // analyses run at once; 4 when zero
	Timeout     time.Duration  // one attempt; 5 min when zero
	Lease       time.Duration  // how long a claim holds an analysis; Timeout + 1 min when zero
	Poll        time.Duration  // how often to look for due analyses when idle; 1 s when zero
	MaxAttempts int            // 5 when zero
	Backoff     backoff.Policy // the wait after a failed attempt; 15 s doubling to 15 min when zero
}

func (o *Options) defaults() {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Finished == nil {
		o.Finished = func() {}
	}
	if o.Metrics == nil {
		o.Metrics = vm.NewSet()
	}
}

// Worker runs the analyses due in the queue, a bounded number at once.
// Several workers (one per node) share a queue: claims skip what another
// holds.
type Worker struct {
	opt     Options
	jobs    *leased.Worker[persistence.AnalysisJob, persistence.AnalysisOutcome]
	seconds *vm.PrometheusHistogram
}

// New returns a worker; Run starts it.
func New(o Options) *Worker {
	o.defaults()
	w := &Worker{opt: o, seconds: o.Metrics.NewPrometheusHistogramExt("switchboard_analysis_job_seconds", vm.ExponentialBuckets(0.05, 2, 14))}
	w.jobs = leased.New(analyses{w}, leased.Options{
		Clock: o.Clock, Workers: o.Workers, Timeout: o.Timeout, Lease: o.Lease, Poll: o.Poll, Record: 10 * time.Second,
		Pending: persistence.AnalysisPending, Failed: persistence.AnalysisFailed,
		MaxAttempts: o.MaxAttempts, Backoff: o.Backoff,
		Metrics: o.Metrics, Outcomes: "switchboard_analysis_jobs_total", Running: "switchboard_analysis_jobs_running",
		Finals: []string{persistence.AnalysisCompleted, persistence.AnalysisFailed, persistence.AnalysisSkipped},
		Log:    o.Log, Words: leased.Words{
			Unavailable: "analysis queue unavailable",
			NotReleased: "analysis not released: it is due again after its lease",
			Stale:       "analysis outcome dropped: its lease ran out and it was claimed again", StaleLevel: slog.LevelWarn,
			NotRecorded: "analysis outcome not recorded: it is due again after its lease",
		},
	}, leased.Defaults{Workers: 4, Timeout: 5 * time.Minute, Poll: time.Second, MaxAttempts: 5,
		Backoff: backoff.Policy{Min: 15 * time.Second, Max: 15 * time.Minute}})
	return w
}

// Kick makes a running worker look for due analyses now (the records
// writer calls it after a write) instead of at its next poll.
func (w *Worker) Kick() { w.jobs.Kick() }

// Run runs due analyses until ctx ends, starting one whenever a slot is
// free; then it releases the analyses it had not finished and returns.
func (w *Worker) Run(ctx context.Context) { w.jobs.Run(ctx) }

// RunDue claims the analyses due now, up to the worker's slots, runs them
// and waits for them; it returns how many it claimed. It is Run's single
// step, for tests and benchmarks: not to be called while Run runs.
func (w *Worker) RunDue(ctx context.Context) (int, error) { return w.jobs.RunDue(ctx) }

// analyses are the worker's jobs, as leased.Worker runs them.
type analyses struct{ w *Worker }

func (a analyses) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]persistence.AnalysisJob, error) {
	return a.w.opt.Store.ClaimAnalyses(ctx, now, lease, limit)
}

func (analyses) Ref(j persistence.AnalysisJob) leased.Ref {
	return leased.Ref{Attempt: j.Attempt, ID: slog.Int64("call_id", j.CallID)}
}

func (a analyses) Attempt(ctx context.Context, j persistence.AnalysisJob) (persistence.AnalysisOutcome, string) {
	o := a.w.attempt(ctx, j)
	return o, o.Status
}

func (a analyses) Release(ctx context.Context, j persistence.AnalysisJob, now time.Time) error {
	return a.w.opt.Store.ReleaseAnalysis(ctx, j.CallID, j.Attempt, now)
}

func (a analyses) Finish(ctx context.Context, j persistence.AnalysisJob, o persistence.AnalysisOutcome, e leased.End) error {
	o.CallID, o.Attempt, o.At, o.Retry = j.CallID, j.Attempt, e.At, e.Retry
	if e.Next == leased.GivenUp {
		o.Status = persistence.AnalysisFailed
	}
	return a.w.opt.Store.FinishAnalysis(ctx, o)
}

func (a analyses) Recorded(j persistence.AnalysisJob, o persistence.AnalysisOutcome, label string, e leased.End) {
	a.w.seconds.Update(e.Took.Seconds())
	switch label {
	case leased.Retry:
		a.w.opt.Log.Warn("analysis attempt failed: retrying", "call_id", j.CallID, "attempt", j.Attempt, "retry_at", e.Retry, "err", o.Error)
	case persistence.AnalysisFailed:
		a.w.opt.Log.Warn("analysis given up", "call_id", j.CallID, "attempts", j.Attempt, "err", o.Error)
		a.w.opt.Finished()
	default:
		a.w.opt.Finished()
	}
}

// attempt runs an analysis: Status is final, or pending with Error for an
// attempt to retry.
func (w *Worker) attempt(ctx context.Context, j persistence.AnalysisJob) persistence.AnalysisOutcome {
	retry := func(err error) persistence.AnalysisOutcome {
		return persistence.AnalysisOutcome{Status: persistence.AnalysisPending, Result: j.Done, Error: secrets.Scrub(err.Error())}
	}
	final := func(status, why string) persistence.AnalysisOutcome {
		return persistence.AnalysisOutcome{Status: status, Result: j.Done, Error: why}
	}
	call, err := w.opt.Store.LoadCall(ctx, j.CallID)
	if err != nil {
		return retry(err)
	}
	if call.AssistantID == nil {
		return final(persistence.AnalysisSkipped, "the call's assistant was deleted")
	}
	cfg, err := w.opt.Configs.AssistantConfig(ctx, j.OrganizationID, *call.AssistantID)
	switch {
	case errors.Is(err, ErrNoAssistant):
		return final(persistence.AnalysisSkipped, "the call's assistant was deleted")
	case err != nil:
		return retry(err)
	case !Steps(cfg.AnalysisSettings):
		return final(persistence.AnalysisSkipped, "the assistant's analysis_settings enable no step")
	}
	msgs, err := w.opt.Store.ListChatMessages(ctx, j.OrganizationID, j.CallID)
	if err != nil {
		return retry(err)
	}
	if m := cfg.AnalysisSettings.Model; m != nil && *m != "" {
		cfg.LLMProviderConfig.Model = *m
	}
	info := &voice.CallInfo{ID: call.CallSID, OrganizationID: call.OrganizationID, AssistantID: *call.AssistantID,
		From: call.From, To: call.To, Direction: call.Direction, Carrier: call.Carrier}
	llm, err := w.opt.Models.OfflineLLM(info, cfg)
	if err != nil {
		return final(persistence.AnalysisFailed, fmt.Sprintf("no model to run it: %v", err))
	}
	c := Call{Messages: msgs, Instructions: cfg.LLMSettings.SystemPrompt}
	if call.EndedReason != nil {
		c.EndedReason = *call.EndedReason
	}
	result, usage, err := Analyze(ctx, llm, cfg.AnalysisSettings, c, j.Done)
	o := persistence.AnalysisOutcome{Status: persistence.AnalysisCompleted, Result: result, Usage: usage}
	if err != nil {
		o.Status, o.Error = persistence.AnalysisPending, err.Error()
	}
	return o
}
