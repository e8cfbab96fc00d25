package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DialVariablesTTL is how long an outbound dial's call-time variables are
// kept: long enough for every stream of the call, resumed ones included.
const DialVariablesTTL = 24 * time.Hour

// SaveDialVariables stores a dial's sealed call-time variables, and
// deletes those older than DialVariablesTTL.
func (s *Store) SaveDialVariables(ctx context.Context, orgID int64, dialID, sealed string, at time.Time) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO dial_variables (dial_id, organization_id, sealed, created_at) VALUES ($1, $2, $3, $4)`,
		dialID, orgID, sealed, at)
	b.Queue(`DELETE FROM dial_variables WHERE created_at < $1`, at.Add(-DialVariablesTTL))
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("persistence: save dial variables: %w", err)
	}
	return nil
}

// DialVariables returns a dial's sealed call-time variables;
// ErrNotFound when the organization placed no such dial (or it expired).
func (s *Store) DialVariables(ctx context.Context, orgID int64, dialID string) (string, error) {
	var sealed string
	err := s.pool.QueryRow(ctx, `SELECT sealed FROM dial_variables WHERE dial_id = $1 AND organization_id = $2`,
		dialID, orgID).Scan(&sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("persistence: dial variables: %w", err)
	}
	return sealed, nil
}
