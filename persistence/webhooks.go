package persistence

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Webhook types.
const (
	WebhookStatusUpdate = "status-update"
	WebhookEndOfCall    = "end-of-call-report"
	WebhookTranscript   = "transcript"
)

// OutboxRow is a webhook waiting to be delivered.
type OutboxRow struct {
	ID             int64
	OrganizationID int64
	CallID         int64
	AssistantID    *int64
	WebhookURL     string
	Type           string
	DedupKey       string          // the status of a status update, the seq of a transcript
	Data           json.RawMessage // a live transcript (LiveTranscript)
	Payload        json.RawMessage // the body, once rendered by an earlier attempt
	Attempt        int             // the attempt this claim is for, from 1
	CreatedAt      time.Time
	Format         string // the call's webhook format: switchboard, voicedock or famulor
}

// ClaimWebhooks takes up to limit webhooks due at now for one attempt each:
// they are not due again until now+lease, so no other dispatcher takes
// them meanwhile (rows another one is claiming are skipped, not waited
// for). A call's webhooks go out in order: one is due only once every
// earlier one of its call is delivered or given up. An end-of-call report
// waits while the call's analysis is pending, until its wait_until.
func (s *Store) ClaimWebhooks(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxRow, error) {
	rows, _ := s.pool.Query(ctx, `
		WITH due AS (
			SELECT o.id FROM webhook_outbox o
			WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1
			  AND NOT EXISTS (
				SELECT 1 FROM webhook_outbox p
				WHERE p.call_id = o.call_id AND p.id < o.id AND p.delivered_at IS NULL AND p.failed_at IS NULL)
			  AND NOT (o.webhook_type = 'end-of-call-report' AND EXISTS (
				SELECT 1 FROM call_analyses a WHERE a.call_id = o.call_id AND a.status = 'pending' AND a.wait_until > $1))
			ORDER BY o.next_attempt_at, o.id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE webhook_outbox o SET attempts = o.attempts + 1, next_attempt_at = $2
		FROM due WHERE o.id = due.id
		RETURNING o.id, o.organization_id, o.call_id, o.assistant_id, o.webhook_url, o.webhook_type, o.dedup_key,
			o.data, o.payload, o.attempts, o.created_at,
			coalesce((SELECT c.webhook_format FROM calls c WHERE c.id = o.call_id), 'switchboard')`, now, now.Add(lease), limit)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxRow, error) {
		var o OutboxRow
		err := r.Scan(&o.ID, &o.OrganizationID, &o.CallID, &o.AssistantID, &o.WebhookURL, &o.Type, &o.DedupKey,
			&o.Data, &o.Payload, &o.Attempt, &o.CreatedAt, &o.Format)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: claim webhooks: %w", err)
	}
	return list, nil
}

// WebhookAttempt is the outcome of one delivery attempt.
type WebhookAttempt struct {
	OutboxID   int64
	CallID     int64
	Attempt    int
	Payload    json.RawMessage // the body sent, kept for the retries
	Headers    map[string]string
	StatusCode int // 0: no response
	Body       string
	Duration   time.Duration
	Success    bool
	Error      string
	At         time.Time
	Retry      *time.Time // when to try again after a failure; nil gives up
}

// FinishWebhook records an attempt: its log row, and the webhook delivered,
// due again, or given up. A stale claim (the webhook was claimed again
// since) only adds its log row.
func (s *Store) FinishWebhook(ctx context.Context, a WebhookAttempt) error {
	headers, err := json.Marshal(a.Headers)
	if err != nil {
		return fmt.Errorf("persistence: webhook headers: %w", err)
	}
	var status *int
	if a.StatusCode != 0 {
		status = &a.StatusCode
	}
	b := &pgx.Batch{}
	b.Queue(`
		UPDATE webhook_outbox SET
			payload = coalesce(payload, nullif($3, '')::jsonb),
			delivered_at = CASE WHEN $4::bool THEN $5::timestamptz END,
			next_attempt_at = coalesce($6::timestamptz, next_attempt_at),
			failed_at = CASE WHEN NOT $4::bool AND $6::timestamptz IS NULL THEN $5::timestamptz END,
			last_error = nullif($7, '')
		WHERE id = $1 AND attempts = $2`,
		a.OutboxID, a.Attempt, string(a.Payload), a.Success, a.At, a.Retry, a.Error)
	b.Queue(`
		INSERT INTO webhook_logs (outbox_id, call_id, attempt, request_headers, response_status_code, response_body,
			response_time_ms, success, error_message, attempted_at)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, nullif($9, ''), $10)
		ON CONFLICT (outbox_id, attempt) DO NOTHING`,
		a.OutboxID, a.CallID, a.Attempt, string(headers), status, a.Body, a.Duration.Milliseconds(), a.Success, a.Error, a.At)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("persistence: finish webhook %d: %w", a.OutboxID, err)
	}
	return nil
}

// WebhookLogRow is one delivery attempt as the API shows it.
type WebhookLogRow struct {
	ID                 int64
	CallID             int64
	AssistantID        *int64
	WebhookURL         string
	WebhookType        string
	Attempt            int
	RequestPayload     json.RawMessage
	RequestHeaders     json.RawMessage
	ResponseStatusCode *int
	ResponseBody       *string
	ResponseTimeMS     int
	Success            bool
	ErrorMessage       *string
	AttemptedAt        time.Time
}

// ListWebhookLogs returns every delivery attempt of a call's webhooks in
// order, optionally of one type.
func (s *Store) ListWebhookLogs(ctx context.Context, orgID, callID int64, webhookType string) ([]WebhookLogRow, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT l.id, l.call_id, o.assistant_id, o.webhook_url, o.webhook_type, l.attempt, o.payload, l.request_headers,
			l.response_status_code, l.response_body, l.response_time_ms, l.success, l.error_message, l.attempted_at
		FROM webhook_logs l JOIN webhook_outbox o ON o.id = l.outbox_id
		WHERE l.call_id = $1 AND o.organization_id = $2 AND ($3 = '' OR o.webhook_type = $3)
		ORDER BY l.id`, callID, orgID, webhookType)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WebhookLogRow, error) {
		var w WebhookLogRow
		err := r.Scan(&w.ID, &w.CallID, &w.AssistantID, &w.WebhookURL, &w.WebhookType, &w.Attempt, &w.RequestPayload,
			&w.RequestHeaders, &w.ResponseStatusCode, &w.ResponseBody, &w.ResponseTimeMS, &w.Success, &w.ErrorMessage, &w.AttemptedAt)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: list webhook logs: %w", err)
	}
	return list, nil
}

// PendingWebhooks counts the webhooks neither delivered nor given up: the
// outbox's backlog.
func (s *Store) PendingWebhooks(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM webhook_outbox WHERE delivered_at IS NULL AND failed_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("persistence: pending webhooks: %w", err)
	}
	return n, nil
}
