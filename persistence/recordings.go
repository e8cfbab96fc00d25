package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// RecordingRow is one track file of a call's recording.
type RecordingRow struct {
	ID             int64
	CallID         int64
	OrganizationID int64
	Type           string
	Format         string
	SampleRate     int
	Channels       int
	DurationMS     int64
	Size           int64
	Path           string // relative to the recordings root
	Status         string
	CreatedAt      time.Time
}

const recordingColumns = `id, call_id, organization_id, recording_type, format, sample_rate, channels, duration_ms,
	file_size, file_path, status, created_at`

func scanRecording(r pgx.Row) (RecordingRow, error) {
	var x RecordingRow
	err := r.Scan(&x.ID, &x.CallID, &x.OrganizationID, &x.Type, &x.Format, &x.SampleRate, &x.Channels, &x.DurationMS,
		&x.Size, &x.Path, &x.Status, &x.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, ErrNotFound
	}
	return x, err
}

// ListRecordings lists a call's recording files, mixed first; orgID 0
// finds them in any organization (for the call's own webhooks).
func (s *Store) ListRecordings(ctx context.Context, orgID, callID int64) ([]RecordingRow, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+recordingColumns+` FROM recordings
		WHERE ($1 = 0 OR organization_id = $1) AND call_id = $2
		ORDER BY recording_type = 'mixed' DESC, recording_type, id`, orgID, callID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RecordingRow, error) { return scanRecording(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: list recordings: %w", err)
	}
	return list, nil
}

// Recording is one recording file; orgID 0 finds it in any organization
// (for signed links, whose signature already names it).
func (s *Store) Recording(ctx context.Context, orgID, id int64) (RecordingRow, error) {
	x, err := scanRecording(s.pool.QueryRow(ctx, `SELECT `+recordingColumns+` FROM recordings
		WHERE id = $1 AND ($2 = 0 OR organization_id = $2)`, id, orgID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return x, fmt.Errorf("persistence: recording: %w", err)
	}
	return x, err
}
