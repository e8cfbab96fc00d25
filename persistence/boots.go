package persistence

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BootID names one run of an engine process: the owner of the calls it
// runs (calls.boot_id).
type BootID string

// NewBootID returns a random boot id.
func NewBootID() BootID { return BootID(rand.Text()) }

// Boot liveness: a boot beats every BootHeartbeat and is gone once its
// last beat is older than BootTTL, or once a later boot of its node
// started (a node runs one engine process).
const (
	BootHeartbeat = 15 * time.Second
	BootTTL       = 3 * BootHeartbeat
)

// StartBoot registers a boot of node.
func (s *Store) StartBoot(ctx context.Context, id BootID, node string) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO engine_boots (boot_id, node, started_at, heartbeat_at)
		VALUES ($1, $2, clock_timestamp(), clock_timestamp())`, id, node); err != nil {
		return fmt.Errorf("persistence: start boot: %w", err)
	}
	return nil
}

// BeatBoot keeps a boot alive.
func (s *Store) BeatBoot(ctx context.Context, id BootID) error {
	if _, err := s.pool.Exec(ctx, `UPDATE engine_boots SET heartbeat_at = clock_timestamp() WHERE boot_id = $1`, id); err != nil {
		return fmt.Errorf("persistence: boot heartbeat: %w", err)
	}
	return nil
}

// EndBoot unregisters a boot that stopped cleanly: a call it leaves open
// is an orphan at once.
func (s *Store) EndBoot(ctx context.Context, id BootID) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM engine_boots WHERE boot_id = $1`, id); err != nil {
		return fmt.Errorf("persistence: end boot: %w", err)
	}
	return nil
}

// orphansQuery finds calls in progress (started, not ended) that no live
// boot runs, other than boot $1, optionally one call ($2: its SID, $3:
// its carrier), only those whose carrier reported their end ($5) or only
// those of the boots of a cluster member ($6), with when they were last
// heard of: the carrier's end if it reported one, else the call's last
// record.
const orphansQuery = `
	SELECT c.call_sid, c.started_at, coalesce(c.ended_at, greatest(c.updated_at,
		(SELECT max(t.created_at) FROM transcripts t WHERE t.call_id = c.id),
		(SELECT max(e.created_at) FROM call_events e WHERE e.call_id = c.id)))
	FROM calls c
	WHERE c.ended_reason IS NULL AND c.started_at IS NOT NULL AND c.boot_id IS DISTINCT FROM $1
		AND ($2 = '' OR (c.call_sid = $2 AND c.carrier = $3))
		AND (NOT $5 OR call_status_rank(c.status) = 3)
		AND ($6 = '' OR c.boot_id IN (SELECT m.boot_id FROM engine_boots m WHERE m.member = $6))
		AND (NOT $7 OR NOT EXISTS (SELECT 1 FROM engine_boots b, engine_boots mine
			WHERE b.boot_id = c.boot_id AND mine.boot_id = $1 AND b.started_at > mine.started_at))
		AND NOT EXISTS (SELECT 1 FROM engine_boots b
			WHERE b.boot_id = c.boot_id AND b.heartbeat_at > clock_timestamp() - make_interval(secs => $4)
				AND NOT EXISTS (SELECT 1 FROM engine_boots later WHERE later.node = b.node AND later.started_at > b.started_at))
	ORDER BY c.id
	LIMIT 500`

// orphanBatch is orphansQuery's LIMIT.
const orphanBatch = 500

// orphanFilter narrows the orphans closed (orphansQuery's $2, $3, $5, $6, $7).
type orphanFilter struct {
	carrier, callSID string
	carrierEnded     bool
	member           string
	earlier          bool // only calls of boots that started before me, or of none
}

// CloseOrphans closes what earlier runs left in progress: every call that
// no live boot (and not boot me) runs, whose boot started before me or is
// unknown. Those whose carrier has reported their end are closed with
// carrierEnded, the rest with reason; each as the call's own end would be:
// status, ended status update, end-of-call report and analysis, each once.
// A boot that started after me is not an earlier run, even if it is gone
// by the time this runs (a start-up sweep retried late): its calls are
// left to the sweeps that watch running nodes, whose reasons say what
// happened. It returns the SIDs of the calls it closed.
func (s *Store) CloseOrphans(ctx context.Context, me BootID, carrierEnded, reason string) ([]string, error) {
	ended, err := s.closeAllOrphans(ctx, me, carrierEnded, orphanFilter{earlier: true, carrierEnded: true})
	if err != nil {
		return ended, err
	}
	rest, err := s.closeAllOrphans(ctx, me, reason, orphanFilter{earlier: true})
	return append(ended, rest...), err
}

// closeAllOrphans closes the orphans f selects, a batch at a time.
func (s *Store) closeAllOrphans(ctx context.Context, me BootID, reason string, f orphanFilter) ([]string, error) {
	var closed []string
	for {
		sids, err := s.closeOrphans(ctx, me, reason, f)
		closed = append(closed, sids...)
		if err != nil || len(sids) < orphanBatch {
			return closed, err
		}
	}
}

// CloseOrphan closes one call of a carrier if no live boot (and not boot
// me) runs it, whenever its boot started; it reports whether the call was
// an orphan and is now closed.
func (s *Store) CloseOrphan(ctx context.Context, me BootID, reason, carrier, callSID string) (bool, error) {
	sids, err := s.closeOrphans(ctx, me, reason, orphanFilter{carrier: carrier, callSID: callSID})
	return len(sids) > 0, err
}

// CloseCarrierEndedOrphans closes the calls no live boot (and not boot
// me) runs whose carrier has reported their end, whenever their boot
// started. A live node sweeps them at each heartbeat: the
// carrier's final status comes within seconds of the engine's death, while
// its boot still looks alive, and the node may never start again (a new
// container is a new node), so neither that status nor a start-up would
// close the call.
func (s *Store) CloseCarrierEndedOrphans(ctx context.Context, me BootID, reason string) ([]string, error) {
	return s.closeAllOrphans(ctx, me, reason, orphanFilter{carrierEnded: true})
}

func (s *Store) closeOrphans(ctx context.Context, me BootID, reason string, f orphanFilter) ([]string, error) {
	rows, _ := s.pool.Query(ctx, orphansQuery, me, f.callSID, f.carrier, BootTTL.Seconds(), f.carrierEnded, f.member, f.earlier)
	var recs []Record
	var sid string
	var started, last time.Time
	if _, err := pgx.ForEachRow(rows, []any{&sid, &started, &last}, func() error {
		recs = append(recs, Record{Kind: RecordEnded, CallSID: sid, At: last,
			End: &CallEnd{Reason: reason, DurationMS: max(last.Sub(started), 0).Milliseconds()}})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("persistence: find orphaned calls: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	if err := s.WriteRecords(ctx, recs); err != nil {
		return nil, err
	}
	sids := make([]string, len(recs))
	for i := range recs {
		sids[i] = recs[i].CallSID
	}
	return sids, nil
}
