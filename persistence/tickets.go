package persistence

import (
	"context"
	"fmt"
	"time"
)

// ClaimTicket records a media-stream ticket (by its MAC) as redeemed until
// it expires; false if it already was, by any node. Expired claims are
// swept on the way.
func (s *Store) ClaimTicket(ctx context.Context, mac []byte, expires time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `
		WITH swept AS (DELETE FROM media_tickets WHERE expires_at < clock_timestamp())
		INSERT INTO media_tickets (mac, expires_at) VALUES ($1, $2) ON CONFLICT (mac) DO NOTHING`, mac, expires)
	if err != nil {
		return false, fmt.Errorf("persistence: claim ticket: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
