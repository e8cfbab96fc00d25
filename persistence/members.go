package persistence

import (
	"context"
	"fmt"
)

// A boot in a cluster is also a member of it (package nodes). A member
// leaves the cluster when its process dies (its lease in the membership
// store runs out) or after it drained: either way the process runs no call
// any more, so what it left in progress is orphaned at once, without
// waiting for its heartbeat to go stale.

// SetBootMember records the cluster member a boot is.
func (s *Store) SetBootMember(ctx context.Context, id BootID, member string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE engine_boots SET member = $2 WHERE boot_id = $1`, id, member); err != nil {
		return fmt.Errorf("persistence: boot member: %w", err)
	}
	return nil
}

// CloseMemberCalls ends the calls in progress of the boots of a member
// that left the cluster, with reason, as CloseOrphans does (each call's
// end and reports once, however many members do it at the same time), and
// returns their SIDs. The member's boots count as gone from now on.
func (s *Store) CloseMemberCalls(ctx context.Context, me BootID, member, reason string) ([]string, error) {
	if member == "" {
		return nil, nil // no member: orphanFilter would take every orphan
	}
	if _, err := s.pool.Exec(ctx, `UPDATE engine_boots SET heartbeat_at = '-infinity' WHERE member = $1 AND boot_id <> $2`,
		member, me); err != nil {
		return nil, fmt.Errorf("persistence: end the boots of member %s: %w", member, err)
	}
	var closed []string
	for {
		sids, err := s.closeOrphans(ctx, me, reason, orphanFilter{member: member})
		closed = append(closed, sids...)
		if err != nil || len(sids) < orphanBatch {
			return closed, err
		}
	}
}
