package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// In a cluster, a node learns of another's death from the membership
// provider: with etcd, the dead process's lease runs out within seconds
// (proto.actor's etcd provider: 3 s) and every member's topology loses it.
// The calls that member's boot ran are then closed at once by the members
// still in the cluster, instead of after the boot's heartbeat has gone
// stale (persistence.BootTTL, 45 s), which remains how a node alone, or a
// member that died before it recorded its member id, is found gone.

// memberRetry is how soon closing a departed member's calls is tried
// again after the database failed.
const memberRetry = time.Second

// departures queues the members that left the cluster, for watchMembers.
type departures struct {
	e    *Engine
	mu   sync.Mutex
	left []string
	kick chan struct{}
}

func (d *departures) Joined(ids []string, members int) {
	d.e.Log.Info("members joined the cluster", "members", members, "joined", ids)
}

func (d *departures) Left(ids []string, members int) {
	d.e.Log.Warn("members left the cluster: closing the calls they ran", "members", members, "left", ids)
	d.mu.Lock()
	d.left = append(d.left, ids...)
	d.mu.Unlock()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// take returns the members that left since the last take.
func (d *departures) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.left
	d.left = nil
	return out
}

// watchMembers records this boot's member id, then closes the calls of
// each member that leaves the cluster, until ctx ends. Alone, it does
// nothing.
func (e *Engine) watchMembers(ctx context.Context) {
	if e.Node == nil {
		return
	}
	d := &departures{e: e, kick: make(chan struct{}, 1)}
	stop := e.Node.WatchMembers(d)
	defer stop()
	member := e.Node.MemberID()
	if member == "" {
		e.Log.Warn("this node is not in its cluster's topology: if it dies, its calls wait for its heartbeat to go stale")
	}
	for member != "" {
		err := e.Store.SetBootMember(ctx, e.Boot, member)
		if err == nil {
			break
		}
		e.Log.Warn("member id not recorded with the boot: if this node dies, its calls wait for its heartbeat to go stale", "err", err)
		if !e.sleep(ctx, memberRetry) {
			return
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		}
		left := d.take()
		for len(left) > 0 {
			left = slices.DeleteFunc(left, func(member string) bool { return e.closeMemberCalls(ctx, member) })
			if len(left) > 0 && !e.sleep(ctx, memberRetry) {
				return
			}
		}
	}
}

// closeMemberCalls closes the calls a departed member left in progress;
// false if the database failed and it must be tried again.
func (e *Engine) closeMemberCalls(ctx context.Context, member string) bool {
	closed, err := e.Store.CloseMemberCalls(ctx, e.Boot, member, events.EndEngineLeftCluster)
	if err != nil {
		if ctx.Err() == nil {
			e.Log.Warn("calls of a member that left the cluster not closed yet: retrying", "member", member, "err", err)
		}
		return false
	}
	if len(closed) > 0 {
		e.Log.Warn("closed the calls a member that left the cluster ran", "member", member, "calls", len(closed),
			"reason", events.EndEngineLeftCluster)
		e.Webhooks.Kick()
		e.Analysis.Kick()
	}
	return true
}
