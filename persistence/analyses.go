package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Analysis statuses.
const (
	AnalysisPending   = "pending"   // waiting for a worker, being run, or due again after a failure
	AnalysisCompleted = "completed" // every step ran (a step may have ended in its own error)
	AnalysisFailed    = "failed"    // given up: the model could not be reached
	AnalysisSkipped   = "skipped"   // nothing to do once it ran (the settings changed, the assistant is gone)
)

// AnalysisEvaluation is the evaluation step's judgement of a call.
type AnalysisEvaluation struct {
	Successful bool   `json:"successful"`
	Reason     string `json:"reason"`
}

// AnalysisResult is what an analysis produced: each step's result, or the
// error that ended the step, and what the model used. The JSON names are
// the call_analyses columns.
type AnalysisResult struct {
	Summary             *string             `json:"summary"`
	SummaryError        *string             `json:"summary_error"`
	StructuredData      json.RawMessage     `json:"structured_data"` // only data that validated against the schema
	StructuredDataError *string             `json:"structured_data_error"`
	RejectedOutput      *string             `json:"structured_data_output"` // the model's last answer that did not validate
	Evaluation          *AnalysisEvaluation `json:"evaluation"`
	EvaluationError     *string             `json:"evaluation_error"`
	Provider            *string             `json:"provider"`
	Model               *string             `json:"model"`
	PromptTokens        int                 `json:"prompt_tokens"`
	CompletionTokens    int                 `json:"completion_tokens"`
}

// CallAnalysis is a call's post-call analysis as stored: the job's state
// and its result. It is what renderers read (CallRow.Analysis).
type CallAnalysis struct {
	Status string `json:"status"`
	AnalysisResult
	Attempts    int        `json:"attempts"`
	LastError   *string    `json:"last_error"` // why the last attempt failed, or why it was skipped
	WaitUntil   time.Time  `json:"wait_until"` // the end-of-call webhook waits for it until then
	CreatedAt   time.Time  `json:"created_at"`
	CompletedAt *time.Time `json:"completed_at"`
}

// UnmarshalJSON reads the row as to_jsonb gives it; a SQL NULL
// structured_data stays empty.
func (a *CallAnalysis) UnmarshalJSON(b []byte) error {
	type plain CallAnalysis
	if err := json.Unmarshal(b, (*plain)(a)); err != nil {
		return err
	}
	if string(a.StructuredData) == "null" {
		a.StructuredData = nil
	}
	return nil
}

// Done reports whether the analysis is over, whatever its outcome.
func (a *CallAnalysis) Done() bool { return a.Status != AnalysisPending }

// analysisJSON selects a call's analysis as one JSON object (NULL when it
// has none), for CallRow.Analysis.
const analysisJSON = `(SELECT to_jsonb(x) FROM call_analyses x WHERE x.call_id = c.id)`

// queueAnalysis enqueues the analysis of a call that has just ended, if
// its assistant's analysis_settings (assistant.AnalysisSettings, stored
// whole) enable a step and the call has at least min_messages caller and
// assistant messages. Its end-of-call webhook then waits for it, at most
// webhook_wait_seconds after the end. A replay enqueues nothing new.
func queueAnalysis(b *pgx.Batch, r *Record) {
	b.Queue(`
		INSERT INTO call_analyses (call_id, organization_id, status, next_attempt_at, wait_until, created_at, updated_at)
		SELECT c.id, c.organization_id, 'pending', $2::timestamptz, $2::timestamptz + make_interval(secs => s.wait), $2, $2
		FROM calls c JOIN assistants a ON a.id = c.assistant_id,
			LATERAL (SELECT a.config -> 'analysis_settings' AS conf) x,
			LATERAL (SELECT
				'true'::jsonb IN (x.conf #> '{summary,enabled}', x.conf #> '{structured_data,enabled}', x.conf #> '{evaluation,enabled}') AS wanted,
				CASE WHEN jsonb_typeof(x.conf -> 'min_messages') = 'number' THEN (x.conf -> 'min_messages')::numeric END AS min_messages,
				CASE WHEN jsonb_typeof(x.conf -> 'webhook_wait_seconds') = 'number' THEN (x.conf -> 'webhook_wait_seconds')::float8 ELSE 0 END AS wait) s
		WHERE c.call_sid = $1 AND c.ended_reason IS NOT NULL AND s.wanted
			AND (SELECT count(*) FROM chat_messages m WHERE m.call_id = c.id AND m.role IN ('user', 'assistant') AND m.content <> '') >= s.min_messages
		ON CONFLICT (call_id) DO NOTHING`, r.CallSID, r.At)
}

// AnalysisJob is a claimed analysis: the call, the attempt the claim is
// for (from 1), and what earlier attempts finished.
type AnalysisJob struct {
	CallID         int64
	OrganizationID int64
	Attempt        int
	Done           AnalysisResult
}

// ClaimAnalyses takes up to limit analyses due at now for one attempt
// each: they are not due again until now+lease, so no other worker takes
// them meanwhile (rows another one is claiming are skipped, not waited
// for). A worker that dies mid-analysis leaves it to be claimed again
// once the lease has passed.
func (s *Store) ClaimAnalyses(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]AnalysisJob, error) {
	rows, _ := s.pool.Query(ctx, `
		WITH due AS (
			SELECT call_id FROM call_analyses
			WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, call_id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE call_analyses a SET attempts = a.attempts + 1, next_attempt_at = $2, updated_at = $1
		FROM due WHERE a.call_id = due.call_id
		RETURNING a.call_id, a.organization_id, a.attempts, a.summary, a.summary_error, a.structured_data,
			a.structured_data_error, a.structured_data_output, a.evaluation, a.evaluation_error`, now, now.Add(lease), limit)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AnalysisJob, error) {
		var j AnalysisJob
		d := &j.Done
		err := r.Scan(&j.CallID, &j.OrganizationID, &j.Attempt, &d.Summary, &d.SummaryError, &d.StructuredData,
			&d.StructuredDataError, &d.RejectedOutput, &d.Evaluation, &d.EvaluationError)
		return j, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: claim analyses: %w", err)
	}
	return list, nil
}

// AnalysisOutcome is the end of one attempt.
type AnalysisOutcome struct {
	CallID  int64
	Attempt int
	Status  string // AnalysisPending with Retry to try again, or a final status
	Result  AnalysisResult
	Usage   Usage  // this attempt's tokens, added to the earlier attempts'
	Error   string // why the attempt failed, or why the analysis was skipped
	Retry   time.Time
	At      time.Time
}

// Usage counts a model's tokens.
type Usage struct {
	PromptTokens, CompletionTokens int
}

// FinishAnalysis records an attempt: the steps it finished, and the
// analysis done or due again. A stale claim (the analysis was claimed
// again since) changes nothing and reports ErrStaleClaim.
func (s *Store) FinishAnalysis(ctx context.Context, o AnalysisOutcome) error {
	r := o.Result
	var evaluation []byte
	if r.Evaluation != nil {
		evaluation, _ = json.Marshal(r.Evaluation) // a bool and a string: cannot fail
	}
	var retry *time.Time
	if o.Status == AnalysisPending {
		retry = &o.Retry
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE call_analyses SET status = $3, summary = $4, summary_error = $5, structured_data = $6::jsonb,
			structured_data_error = $7, structured_data_output = $8, evaluation = $9::jsonb, evaluation_error = $10,
			provider = coalesce($11, provider), model = coalesce($12, model),
			prompt_tokens = prompt_tokens + $13, completion_tokens = completion_tokens + $14,
			last_error = nullif($15, ''), next_attempt_at = coalesce($16, next_attempt_at),
			completed_at = CASE WHEN $3 <> 'pending' THEN $17::timestamptz END, updated_at = $17
		WHERE call_id = $1 AND attempts = $2 AND status = 'pending'`,
		o.CallID, o.Attempt, o.Status, r.Summary, r.SummaryError, nullJSON(r.StructuredData), r.StructuredDataError,
		r.RejectedOutput, nullJSON(evaluation), r.EvaluationError, r.Provider, r.Model, o.Usage.PromptTokens,
		o.Usage.CompletionTokens, o.Error, retry, o.At)
	if err != nil {
		return fmt.Errorf("persistence: finish analysis of call %d: %w", o.CallID, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrStaleClaim
	}
	return nil
}

// ReleaseAnalysis hands back a claim whose attempt never ran to its end
// (the worker is stopping): the analysis is due again at now, and the
// attempt does not count.
func (s *Store) ReleaseAnalysis(ctx context.Context, callID int64, attempt int, now time.Time) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE call_analyses SET attempts = attempts - 1, next_attempt_at = $3, updated_at = $3
		WHERE call_id = $1 AND attempts = $2 AND status = 'pending'`, callID, attempt, now)
	if err != nil {
		return fmt.Errorf("persistence: release analysis of call %d: %w", callID, err)
	}
	return nil
}

// GetCallAnalysis returns the analysis of a call of the organization;
// ErrNotFound when the call has none (or is not the organization's).
func (s *Store) GetCallAnalysis(ctx context.Context, orgID, callID int64) (CallAnalysis, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT to_jsonb(x) FROM call_analyses x WHERE x.call_id = $1 AND x.organization_id = $2`,
		callID, orgID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return CallAnalysis{}, ErrNotFound
	}
	if err != nil {
		return CallAnalysis{}, fmt.Errorf("persistence: get call analysis: %w", err)
	}
	var a CallAnalysis
	if err := json.Unmarshal(raw, &a); err != nil {
		return CallAnalysis{}, fmt.Errorf("persistence: call analysis of %d: %w", callID, err)
	}
	return a, nil
}

// nullJSON passes an empty document as SQL NULL.
func nullJSON(b []byte) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}
