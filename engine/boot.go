package engine

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/records"
)

// An engine process registers itself as a boot (persistence.BootID) and
// owns the calls it runs; a call whose boot is gone without ending it (kill
// -9, a drain that ran out of time) is an orphan. Orphans are closed at the
// next start-up of any node, once the spill file of an earlier run is
// written (the ends it holds are the calls' true ones), when the carrier
// reports the end of a call no live engine runs, and, for a call whose
// carrier reported its end while its engine still looked alive, by any
// live node's next heartbeat after that engine's boot went stale.

// node is the name of the machine: an engine process per node.
func node(configured string) string {
	if configured != "" {
		return configured
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// beat keeps the boot alive until ctx ends, and with each beat closes the
// calls a gone engine left whose carrier has reported their end.
func (e *Engine) beat(ctx context.Context) {
	for e.sleep(ctx, persistence.BootHeartbeat) {
		if err := e.Store.BeatBoot(ctx, e.Boot); err != nil {
			if ctx.Err() == nil {
				e.Log.Warn("boot heartbeat not recorded: other nodes may take this node's calls for orphans", "err", err)
			}
			continue
		}
		closed, err := e.Store.CloseCarrierEndedOrphans(ctx, e.Boot, events.EndEngineGone)
		switch {
		case err != nil && ctx.Err() == nil:
			e.Log.Warn("calls a gone engine left not swept", "err", err)
		case len(closed) > 0:
			e.Log.Warn("closed calls a gone engine left, ended by their carrier", "calls", len(closed), "reason", events.EndEngineGone)
			e.Webhooks.Kick()
			e.Analysis.Kick()
		}
	}
}

// closeOrphans closes the calls earlier runs left in progress, once the
// records waiting from them are written; it retries until it can. A call
// whose carrier has reported its end is closed as the heartbeats' sweep
// would close it (either may get to it first).
func (e *Engine) closeOrphans(ctx context.Context) {
	for {
		err := e.Records.Flush(ctx)
		if err == nil {
			var closed []string
			closed, err = e.Store.CloseOrphans(ctx, e.Boot, events.EndEngineGone, events.EndEngineRestarted)
			if len(closed) > 0 {
				e.Log.Warn("closed calls an earlier engine left in progress", "calls", len(closed))
				e.Webhooks.Kick()
				e.Analysis.Kick()
			}
			if err == nil {
				return
			}
		}
		e.Log.Warn("calls left in progress by an earlier run not closed yet: retrying", "err", err)
		if !e.sleep(ctx, persistence.BootHeartbeat) {
			return
		}
	}
}

// sleep waits d on the engine's clock; false if ctx ended first.
func (e *Engine) sleep(ctx context.Context, d time.Duration) bool {
	fired := make(chan struct{})
	t := e.cfg.Clock.AfterFunc(d, func() { close(fired) })
	defer t.Stop()
	select {
	case <-fired:
		return true
	case <-ctx.Done():
		return false
	}
}

// endBoot unregisters the boot after a clean stop: calls it did not end
// become orphans at once. With records left in the spill file (their ends
// among them) the boot stays until its heartbeat goes stale.
func (e *Engine) endBoot(ctx context.Context) error {
	if e.Records.SpillBytes() > 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return e.Store.EndBoot(ctx, e.Boot)
}

// statuses records carriers' status callbacks with the calls' records, and
// closes the call a final status is about if no live engine runs it.
type statuses struct {
	w *records.Writer
	e *Engine
}

// finalStatuses end a call.
var finalStatuses = []string{telephony.StatusCompleted, telephony.StatusBusy, telephony.StatusFailed,
	telephony.StatusNoAnswer, telephony.StatusCanceled}

func (s statuses) RecordStatus(ctx context.Context, st telephony.CallStatus) error {
	if err := s.w.RecordStatus(ctx, st.Carrier, st.CallID, st.Status, st.At); err != nil {
		return err
	}
	if !slices.Contains(finalStatuses, st.Status) {
		return nil
	}
	if _, live := s.e.Calls.Get(st.CallID); live {
		return nil // its actor ends it
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	closed, err := s.e.Store.CloseOrphan(ctx, s.e.Boot, events.EndEngineGone, st.Carrier, st.CallID)
	switch {
	case err != nil:
		s.e.Log.Warn("call ended by its carrier not checked for an orphan", "call_sid", st.CallID, "err", err)
	case closed:
		s.e.Log.Warn("closed a call no live engine ran, on its carrier's end", "call_sid", st.CallID, "reason", events.EndEngineGone)
		s.e.Webhooks.Kick()
		s.e.Analysis.Kick()
	}
	return nil
}
