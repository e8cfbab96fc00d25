package persistence

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one administrative action.
type AuditEntry struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	UserID         *int64    `json:"user_id"`
	UserEmail      *string   `json:"user_email"`
	APIKeyID       *int64    `json:"api_key_id"`
	APIKeyPrefix   *string   `json:"api_key_prefix"`
	Action         string    `json:"action"`
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	Status         int       `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
}

// AuditFilter narrows the audit log; zero fields do not filter.
type AuditFilter struct {
	Action      string
	APIKeyID    int64
	From, To    *time.Time
	Skip, Limit int
}

// RecordAudit appends an action to an organization's audit log.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (organization_id, user_id, api_key_id, action, method, path, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.OrganizationID, e.UserID, e.APIKeyID, e.Action, e.Method, e.Path, e.Status)
	if err != nil {
		return fmt.Errorf("persistence: record audit entry: %w", err)
	}
	return nil
}

// ListAudit returns one page of an organization's audit log, newest first,
// and the total matching the filter.
func (s *Store) ListAudit(ctx context.Context, orgID int64, f AuditFilter) ([]AuditEntry, int, error) {
	where := []string{"l.organization_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != "" {
		add("l.action = $%d", f.Action)
	}
	if f.APIKeyID != 0 {
		add("l.api_key_id = $%d", f.APIKeyID)
	}
	if f.From != nil {
		add("l.created_at >= $%d", *f.From)
	}
	if f.To != nil {
		add("l.created_at <= $%d", *f.To)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log l WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count audit entries: %w", err)
	}
	args = append(args, f.Limit, f.Skip)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT l.id, l.organization_id, l.user_id, u.email, l.api_key_id, k.key_prefix,
			l.action, l.method, l.path, l.status, l.created_at
		FROM audit_log l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN api_keys k ON k.id = l.api_key_id
		WHERE %s ORDER BY l.id DESC LIMIT $%d OFFSET $%d`, cond, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := r.Scan(&e.ID, &e.OrganizationID, &e.UserID, &e.UserEmail, &e.APIKeyID, &e.APIKeyPrefix,
			&e.Action, &e.Method, &e.Path, &e.Status, &e.CreatedAt)
		return e, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list audit entries: %w", err)
	}
	return list, total, nil
}
