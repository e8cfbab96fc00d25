package persistence

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PutSound keeps an uploaded sound under its content-addressed key;
// storing a key again changes nothing.
func (s *Store) PutSound(ctx context.Context, key string, data []byte) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO sounds (storage_key, data) VALUES ($1, $2) ON CONFLICT (storage_key) DO NOTHING`, key, data); err != nil {
		return fmt.Errorf("persistence: put sound: %w", err)
	}
	return nil
}

// SoundData returns the file stored under key, ErrNotFound if none is.
func (s *Store) SoundData(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM sounds WHERE storage_key = $1`, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("sound %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("persistence: sound: %w", err)
	}
	return data, nil
}

// MissingSounds returns those of keys no sound is stored under.
func (s *Store) MissingSounds(ctx context.Context, keys []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT k FROM unnest($1::text[]) AS k WHERE NOT EXISTS (SELECT 1 FROM sounds WHERE storage_key = k)`, keys)
	if err != nil {
		return nil, fmt.Errorf("persistence: missing sounds: %w", err)
	}
	missing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("persistence: missing sounds: %w", err)
	}
	return missing, nil
}
