package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// APIKeyStatus is where a key is in its life.
type APIKeyStatus string

// A key is active until it is revoked or it expires.
const (
	KeyActive  APIKeyStatus = "active"
	KeyRevoked APIKeyStatus = "revoked"
	KeyExpired APIKeyStatus = "expired"
)

// APIKey is what is kept of a key: never the key itself.
type APIKey struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	KeyPrefix  string       `json:"key_prefix"`
	UserID     int64        `json:"user_id"`
	CreatedBy  string       `json:"created_by"` // the user's email
	Status     APIKeyStatus `json:"status"`
	CreatedAt  time.Time    `json:"created_at"`
	LastUsedAt *time.Time   `json:"last_used_at"`
	ExpiresAt  *time.Time   `json:"expires_at"`
	RevokedAt  *time.Time   `json:"revoked_at"`
}

// NewAPIKey is a key to store: its digest and display prefix, never the key.
type NewAPIKey struct {
	OrganizationID, UserID int64
	Name                   string
	Digest                 []byte
	Display                string
	ExpiresAt              *time.Time // nil: never
}

// APIKeyScope selects keys of an organization, or of one of its users.
type APIKeyScope struct {
	OrganizationID int64
	UserID         *int64
}

func (sc APIKeyScope) where(args []any) (string, []any) {
	cond := fmt.Sprintf("k.organization_id = $%d", len(args)+1)
	args = append(args, sc.OrganizationID)
	if sc.UserID != nil {
		cond += fmt.Sprintf(" AND k.user_id = $%d", len(args)+1)
		args = append(args, *sc.UserID)
	}
	return cond, args
}

const apiKeyColumns = `k.id, k.name, k.key_prefix, k.user_id, u.email,
	CASE WHEN k.revoked_at IS NOT NULL OR NOT k.is_active THEN 'revoked'
	     WHEN k.expires_at <= now() THEN 'expired' ELSE 'active' END,
	k.created_at, k.last_used_at, k.expires_at, k.revoked_at`

func scanAPIKey(row pgx.Row) (APIKey, error) {
	var k APIKey
	err := row.Scan(&k.ID, &k.Name, &k.KeyPrefix, &k.UserID, &k.CreatedBy, &k.Status, &k.CreatedAt, &k.LastUsedAt, &k.ExpiresAt, &k.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return APIKey{}, ErrNotFound
	}
	return k, err
}

// InsertAPIKey stores a new key.
func (s *Store) InsertAPIKey(ctx context.Context, n NewAPIKey) (APIKey, error) {
	k, err := scanAPIKey(s.pool.QueryRow(ctx, `
		WITH k AS (
			INSERT INTO api_keys (organization_id, user_id, name, key_hash, key_prefix, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
		SELECT `+apiKeyColumns+` FROM k JOIN users u ON u.id = k.user_id`,
		n.OrganizationID, n.UserID, n.Name, n.Digest, n.Display, n.ExpiresAt))
	if err != nil {
		return APIKey{}, fmt.Errorf("persistence: create API key: %w", err)
	}
	return k, nil
}

// ListAPIKeys returns one page of keys in scope, newest first, and the total.
func (s *Store) ListAPIKeys(ctx context.Context, sc APIKeyScope, skip, limit int) ([]APIKey, int, error) {
	cond, args := sc.where(nil)
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM api_keys k WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count API keys: %w", err)
	}
	args = append(args, limit, skip)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE %s ORDER BY k.id DESC LIMIT $%d OFFSET $%d`, apiKeyColumns, cond, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIKey, error) { return scanAPIKey(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list API keys: %w", err)
	}
	return list, total, nil
}

// RenameAPIKey changes a key's name; a key out of scope is ErrNotFound.
func (s *Store) RenameAPIKey(ctx context.Context, sc APIKeyScope, id int64, name string) (APIKey, error) {
	cond, args := sc.where([]any{id, name})
	k, err := scanAPIKey(s.pool.QueryRow(ctx, `
		WITH k AS (UPDATE api_keys k SET name = $2 WHERE k.id = $1 AND `+cond+` RETURNING k.*)
		SELECT `+apiKeyColumns+` FROM k JOIN users u ON u.id = k.user_id`, args...))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return APIKey{}, fmt.Errorf("persistence: rename API key: %w", err)
	}
	return k, err
}

// RevokeAPIKey deactivates a key for good and returns it with its digest,
// so that caches keyed by digest can drop it. Revoking a revoked key
// changes nothing.
func (s *Store) RevokeAPIKey(ctx context.Context, sc APIKeyScope, id int64) (APIKey, []byte, error) {
	cond, args := sc.where([]any{id})
	var digest []byte
	var k APIKey
	err := s.pool.QueryRow(ctx, `
		WITH k AS (UPDATE api_keys k SET is_active = false, revoked_at = coalesce(k.revoked_at, now())
			WHERE k.id = $1 AND `+cond+` RETURNING k.*)
		SELECT k.key_hash, `+apiKeyColumns+` FROM k JOIN users u ON u.id = k.user_id`, args...).
		Scan(&digest, &k.ID, &k.Name, &k.KeyPrefix, &k.UserID, &k.CreatedBy, &k.Status, &k.CreatedAt, &k.LastUsedAt, &k.ExpiresAt, &k.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return APIKey{}, nil, ErrNotFound
	}
	if err != nil {
		return APIKey{}, nil, fmt.Errorf("persistence: revoke API key: %w", err)
	}
	return k, digest, nil
}
