package persistence

import (
	"context"
	"errors"
	"fmt"
)

// ErrWrongSecretKey means the engine's secret key is not the one this
// database's secrets were sealed under.
var ErrWrongSecretKey = errors.New("persistence: the secret key does not open this database's secrets (they were sealed under another key)")

// keyCheckText is what the key check seals; any fixed text does.
const keyCheckText = "switchboard secret key check"

// Sealer encrypts and decrypts stored secrets.
type Sealer interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// CheckSecretKey proves that sealer holds the key this database's secrets
// are sealed under, by opening the value the first engine sealed (and
// sealing it now when no engine has yet). Two engines starting at once on
// a new database agree on the first one's value.
func (s *Store) CheckSecretKey(ctx context.Context, sealer Sealer) error {
	fresh, err := sealer.Seal(keyCheckText)
	if err != nil {
		return fmt.Errorf("persistence: seal key check: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO secret_key_check (sealed) VALUES ($1) ON CONFLICT DO NOTHING`, fresh); err != nil {
		return fmt.Errorf("persistence: write key check: %w", err)
	}
	var sealed string
	if err := s.pool.QueryRow(ctx, `SELECT sealed FROM secret_key_check`).Scan(&sealed); err != nil {
		return fmt.Errorf("persistence: read key check: %w", err)
	}
	if text, err := sealer.Open(sealed); err != nil || text != keyCheckText {
		return ErrWrongSecretKey
	}
	return nil
}
