package persistence

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// OrganizationsWith lists the organizations whose settings hold key (a
// carrier's credentials, e.g. "twilio"), by id.
func (s *Store) OrganizationsWith(ctx context.Context, key string) ([]int64, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id FROM organizations
		WHERE settings ? $1 AND jsonb_typeof(settings -> $1) = 'object' ORDER BY id`, key)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("persistence: organizations with %s: %w", key, err)
	}
	return ids, nil
}

// AssistantsWith lists the active assistants whose configuration holds
// key as an object (their own carrier credentials, e.g. "twilio_config").
func (s *Store) AssistantsWith(ctx context.Context, key string) ([]AssistantRow, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+assistantColumns+` FROM assistants
		WHERE is_active AND jsonb_typeof(config -> $1) = 'object' ORDER BY id`, key)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AssistantRow, error) { return scanAssistant(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: assistants with %s: %w", key, err)
	}
	return list, nil
}
