package persistence

import (
	"context"
	"fmt"
	"time"
)

// PurgePrivateCalls deletes what was said on up to limit ended private
// calls (GDPR mode) whose analysis and webhooks are all done with it: their
// transcripts and chat messages, the words and digits in their events, the
// webhook bodies kept for retries and the model's unvalidated extraction.
// The call row, its timings, ended reason, summary and validated data
// stay. It returns how many calls it purged; a call waiting for a webhook
// retry or its analysis is purged by a later look.
func (s *Store) PurgePrivateCalls(ctx context.Context, now time.Time, limit int) (int, error) {
	tag, err := s.pool.Exec(ctx, `
		WITH due AS (
			SELECT c.id FROM calls c
			WHERE c.private AND c.purged_at IS NULL AND c.ended_reason IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM call_analyses a WHERE a.call_id = c.id AND a.status = 'pending')
				AND NOT EXISTS (SELECT 1 FROM webhook_outbox w
					WHERE w.call_id = c.id AND w.delivered_at IS NULL AND w.failed_at IS NULL)
			ORDER BY c.ended_at
			LIMIT $2
			FOR UPDATE OF c SKIP LOCKED
		), transcripts AS (
			DELETE FROM transcripts WHERE call_id IN (SELECT id FROM due)
		), messages AS (
			DELETE FROM chat_messages WHERE call_id IN (SELECT id FROM due)
		), said AS (
			UPDATE call_events SET data = data - 'text' - 'heard' - 'arguments' - 'result' - 'digits'
			WHERE call_id IN (SELECT id FROM due) AND kind IN ('turn', 'reply-finished', 'tool-call', 'dtmf')
		), bodies AS (
			UPDATE webhook_outbox SET data = NULL, payload = NULL WHERE call_id IN (SELECT id FROM due)
		), extraction AS (
			UPDATE call_analyses SET structured_data_output = NULL WHERE call_id IN (SELECT id FROM due)
		)
		UPDATE calls SET purged_at = $1 WHERE id IN (SELECT id FROM due)`, now, limit)
	if err != nil {
		return 0, fmt.Errorf("persistence: purge private calls: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
