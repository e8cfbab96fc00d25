package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AssistantRow is an assistant as stored.
type AssistantRow struct {
	ID             int64
	UUID           string // stable; VoiceDock's id
	OrganizationID int64
	UserID         *int64
	Name           string
	IsActive       bool
	Version        int
	Config         json.RawMessage // secrets sealed
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// HistoryEntry is one settings-history row: the configuration before a change.
type HistoryEntry struct {
	ID                int64
	AssistantID       int64
	Version           int
	Snapshot          json.RawMessage
	ChangedFields     []string
	ChangeType        string
	ChangeDescription *string
	ChangedBy         *int64
	ChangedByKey      *int64 // the API key the change was made with
	CreatedAt         time.Time
}

const assistantColumns = `id, uuid::text, organization_id, user_id, name, is_active, version, config, created_at, updated_at`

func scanAssistant(row pgx.Row) (AssistantRow, error) {
	var a AssistantRow
	err := row.Scan(&a.ID, &a.UUID, &a.OrganizationID, &a.UserID, &a.Name, &a.IsActive, &a.Version, &a.Config, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return AssistantRow{}, ErrNotFound
	}
	return a, err
}

// NextAssistantID reserves the id of an assistant about to be created, so its
// actor can exist before the row does.
func (s *Store) NextAssistantID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('assistants', 'id'))`).Scan(&id); err != nil {
		return 0, fmt.Errorf("persistence: reserve assistant id: %w", err)
	}
	return id, nil
}

// InsertAssistant stores a new assistant with the id reserved for it.
func (s *Store) InsertAssistant(ctx context.Context, a AssistantRow) (AssistantRow, error) {
	row := s.pool.QueryRow(ctx, `
		INSERT INTO assistants (id, organization_id, user_id, name, is_active, version, config)
		VALUES ($1, $2, $3, $4, $5, 1, $6)
		RETURNING `+assistantColumns, a.ID, a.OrganizationID, a.UserID, a.Name, a.IsActive, string(a.Config))
	out, err := scanAssistant(row)
	if err != nil {
		return AssistantRow{}, fmt.Errorf("persistence: insert assistant: %w", err)
	}
	return out, nil
}

// LoadAssistant reads one assistant.
func (s *Store) LoadAssistant(ctx context.Context, id int64) (AssistantRow, error) {
	a, err := scanAssistant(s.pool.QueryRow(ctx, `SELECT `+assistantColumns+` FROM assistants WHERE id = $1`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return AssistantRow{}, fmt.Errorf("persistence: load assistant: %w", err)
	}
	return a, err
}

// AssistantIDByUUID finds an assistant of orgID by its UUID; a malformed
// UUID, like another organization's, is ErrNotFound.
func (s *Store) AssistantIDByUUID(ctx context.Context, orgID int64, uuid string) (int64, error) {
	if !isUUID(uuid) {
		return 0, ErrNotFound
	}
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM assistants WHERE organization_id = $1 AND uuid = $2::uuid`, orgID, uuid).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, ErrNotFound
	case err != nil:
		return 0, fmt.Errorf("persistence: assistant by uuid: %w", err)
	}
	return id, nil
}

// isUUID reports whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", r):
			return false
		}
	}
	return true
}

// CommitAssistant stores an assistant's state after one or more writes,
// with the history entry of each, in one transaction. It fails with
// ErrVersionConflict unless the stored version is still expected, so a
// write committed meanwhile by another node is never overwritten.
func (s *Store) CommitAssistant(ctx context.Context, a AssistantRow, expected int, history []HistoryEntry) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`UPDATE assistants SET name = $2, is_active = $3, version = $4, config = $5, updated_at = $6
			WHERE id = $1 AND version = $7`, a.ID, a.Name, a.IsActive, a.Version, string(a.Config), a.UpdatedAt, expected).
			Exec(func(tag pgconn.CommandTag) error {
				if tag.RowsAffected() == 0 {
					return ErrVersionConflict
				}
				return nil
			})
		for _, h := range history {
			b.Queue(`INSERT INTO assistant_settings_history
				(assistant_id, version, snapshot, changed_fields, change_type, change_description, changed_by, changed_by_key, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				a.ID, h.Version, string(h.Snapshot), h.ChangedFields, h.ChangeType, h.ChangeDescription, h.ChangedBy, h.ChangedByKey, h.CreatedAt)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("persistence: commit assistant %d: %w", a.ID, err)
	}
	return nil
}

// DeleteAssistant removes an assistant and its history.
func (s *Store) DeleteAssistant(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM assistants WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("persistence: delete assistant %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// AssistantFilter narrows a listing.
type AssistantFilter struct {
	IsActive *bool
	Search   string // case-insensitive substring of the name
	Skip     int
	Limit    int
}

// ListAssistants returns one page of an organization's assistants, newest
// first, and the total matching the filter.
func (s *Store) ListAssistants(ctx context.Context, orgID int64, f AssistantFilter) ([]AssistantRow, int, error) {
	where := []string{"organization_id = $1"}
	args := []any{orgID}
	if f.IsActive != nil {
		args = append(args, *f.IsActive)
		where = append(where, fmt.Sprintf("is_active = $%d", len(args)))
	}
	if f.Search != "" {
		args = append(args, "%"+escapeLike(f.Search)+"%")
		where = append(where, fmt.Sprintf("name ILIKE $%d", len(args)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM assistants WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count assistants: %w", err)
	}
	args = append(args, f.Limit, f.Skip)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM assistants WHERE %s ORDER BY id DESC LIMIT $%d OFFSET $%d`,
		assistantColumns, cond, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AssistantRow, error) { return scanAssistant(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list assistants: %w", err)
	}
	return list, total, nil
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const historyColumns = `id, assistant_id, version, snapshot, changed_fields, change_type, change_description, changed_by, changed_by_key, created_at`

func scanHistory(row pgx.Row) (HistoryEntry, error) {
	var h HistoryEntry
	err := row.Scan(&h.ID, &h.AssistantID, &h.Version, &h.Snapshot, &h.ChangedFields, &h.ChangeType, &h.ChangeDescription, &h.ChangedBy, &h.ChangedByKey, &h.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return HistoryEntry{}, ErrNotFound
	}
	return h, err
}

// ListHistory returns an assistant's settings history, newest first, and its size.
func (s *Store) ListHistory(ctx context.Context, assistantID int64, skip, limit int) ([]HistoryEntry, int, error) {
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM assistant_settings_history WHERE assistant_id = $1`, assistantID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count history: %w", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+historyColumns+` FROM assistant_settings_history
		WHERE assistant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, assistantID, limit, skip)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryEntry, error) { return scanHistory(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list history: %w", err)
	}
	return list, total, nil
}

// GetHistory returns one history entry of an assistant.
func (s *Store) GetHistory(ctx context.Context, assistantID, id int64) (HistoryEntry, error) {
	h, err := scanHistory(s.pool.QueryRow(ctx, `SELECT `+historyColumns+` FROM assistant_settings_history
		WHERE assistant_id = $1 AND id = $2`, assistantID, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return HistoryEntry{}, fmt.Errorf("persistence: get history: %w", err)
	}
	return h, err
}
