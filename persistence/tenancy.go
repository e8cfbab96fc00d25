package persistence

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/auth"
)

// Store is the repository over one pool.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore wraps a pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool exposes the pool for health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Organization is a tenant.
type Organization struct {
	ID   int64
	Name string
}

// EnsureOrganization returns the organization called name, creating it.
func (s *Store) EnsureOrganization(ctx context.Context, name string) (Organization, error) {
	var o Organization
	err := s.pool.QueryRow(ctx, `
		INSERT INTO organizations (name) VALUES ($1)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
		RETURNING id, name`, name).Scan(&o.ID, &o.Name)
	if err != nil {
		return Organization{}, fmt.Errorf("persistence: ensure organization: %w", err)
	}
	return o, nil
}

// OrganizationByName returns the organization called name, or ErrNotFound.
func (s *Store) OrganizationByName(ctx context.Context, name string) (Organization, error) {
	var o Organization
	err := s.pool.QueryRow(ctx, `SELECT id, name FROM organizations WHERE name = $1`, name).Scan(&o.ID, &o.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return Organization{}, ErrNotFound
	}
	if err != nil {
		return Organization{}, fmt.Errorf("persistence: organization %q: %w", name, err)
	}
	return o, nil
}

// EnsureUser returns the user with email in the organization, creating it
// as an admin. A user of another organization with that email is an error.
func (s *Store) EnsureUser(ctx context.Context, orgID int64, email string) (int64, error) {
	var id, owner int64
	err := s.pool.QueryRow(ctx, `
		INSERT INTO users (organization_id, email) VALUES ($1, $2)
		ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
		RETURNING id, organization_id`, orgID, email).Scan(&id, &owner)
	if err != nil {
		return 0, fmt.Errorf("persistence: ensure user: %w", err)
	}
	if owner != orgID {
		return 0, fmt.Errorf("persistence: user %s belongs to another organization", email)
	}
	return id, nil
}

// CreateAPIKey stores a key's digest and display prefix; it never expires.
func (s *Store) CreateAPIKey(ctx context.Context, orgID, userID int64, name string, digest []byte, display string) (int64, error) {
	k, err := s.InsertAPIKey(ctx, NewAPIKey{OrganizationID: orgID, UserID: userID, Name: name, Digest: digest, Display: display})
	return k.ID, err
}

// LookupKey implements auth.KeyStore: an active, unexpired key of an active
// user in an active organization. It records the key's use.
func (s *Store) LookupKey(ctx context.Context, digest []byte) (auth.Principal, error) {
	var p auth.Principal
	err := s.pool.QueryRow(ctx, `
		UPDATE api_keys k SET last_used_at = now()
		FROM users u, organizations o
		WHERE k.key_hash = $1 AND k.is_active AND (k.expires_at IS NULL OR k.expires_at > now())
		  AND u.id = k.user_id AND u.is_active
		  AND o.id = k.organization_id AND o.is_active
		RETURNING k.id, k.user_id, k.organization_id, u.role, k.expires_at`, digest).
		Scan(&p.KeyID, &p.UserID, &p.OrganizationID, &p.Role, &p.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.Principal{}, auth.ErrUnknownKey
	}
	if err != nil {
		return auth.Principal{}, fmt.Errorf("persistence: look up API key: %w", err)
	}
	return p, nil
}

// OrganizationSettings returns an organization's name and stored settings.
func (s *Store) OrganizationSettings(ctx context.Context, id int64) (string, []byte, error) {
	var name string
	var settings []byte
	err := s.pool.QueryRow(ctx, `SELECT name, settings FROM organizations WHERE id = $1`, id).Scan(&name, &settings)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("persistence: organization settings: %w", err)
	}
	return name, settings, nil
}

// UpdateOrganizationSettings replaces an organization's settings with what
// update makes of the current ones, holding the row locked meanwhile so
// concurrent updates apply one after the other.
func (s *Store) UpdateOrganizationSettings(ctx context.Context, id int64, update func(current []byte) ([]byte, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var current []byte
		err := tx.QueryRow(ctx, `SELECT settings FROM organizations WHERE id = $1 FOR UPDATE`, id).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		next, err := update(current)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE organizations SET settings = $2, updated_at = now() WHERE id = $1`, id, string(next))
		return err
	})
	if err != nil {
		return fmt.Errorf("persistence: update organization %d settings: %w", id, err)
	}
	return nil
}

// UserEmail returns a user's email.
func (s *Store) UserEmail(ctx context.Context, userID int64) (string, error) {
	var email string
	err := s.pool.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", ErrNotFound
	case err != nil:
		return "", fmt.Errorf("persistence: user email: %w", err)
	}
	return email, nil
}
