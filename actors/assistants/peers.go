package assistants

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/persistence"
)

// With several nodes, each node runs its own actor for an assistant it
// uses, for reads and its live calls; writes go to one node's (route.go),
// and the database's version check keeps any other writes from
// overwriting them. What one node commits is announced to the others (through
// an Announcer), whose actors adopt it if they hold an older version and
// push it to their subscribed calls: a change made anywhere reaches every
// live call.

// Committed is a change committed to an assistant, as stored.
type Committed struct {
	Row     persistence.AssistantRow // Config sealed as stored; only ids when Deleted
	Deleted bool
	At      time.Time // when the committing node's database confirmed it, by that node's clock
}

// Announcer carries the changes committed on this node to the others. It
// must not block: the assistant's actor calls it.
type Announcer interface {
	Announce(Committed)
}

// peerCommit is a change another node committed.
type peerCommit struct{ c Committed }

// SetAnnouncer makes the registry announce its commits; set it before the
// registry is used. Without one, commits stay on this node.
func (r *Registry) SetAnnouncer(a Announcer) { r.announcer = a }

// Apply takes a change another node committed to the assistant's actor on
// this node, if one runs: with none, nothing here holds the assistant, and
// the next use loads it from the database.
func (r *Registry) Apply(c Committed) {
	r.mu.Lock()
	e := r.entries[c.Row.ID]
	r.mu.Unlock()
	if e != nil {
		r.sys.Root.Send(e.pid, &peerCommit{c: c})
	}
}

// announce tells the other nodes about a committed snapshot.
func (r *Registry) announce(c Committed) {
	if r.announcer != nil {
		r.announcer.Announce(c)
	}
}

// row is the stored form of a snapshot.
func (s *Snapshot) row() persistence.AssistantRow {
	return persistence.AssistantRow{
		ID: s.ID, UUID: s.UUID, OrganizationID: s.OrganizationID, UserID: s.UserID,
		Name: s.Config.Name, IsActive: s.Config.IsActive, Version: s.Version,
		Config: s.JSON, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// peerCommitted adopts a change another node committed. A write staged or
// in flight here is left to finish: it was staged on an older version, so
// its commit meets the version conflict, reloads and notifies.
func (a *assistantActor) peerCommitted(ctx actor.Context, c Committed) {
	if a.snap == nil || a.committing != nil || len(a.queued) > 0 {
		return
	}
	if c.Deleted {
		a.forget(ctx)
		return
	}
	if c.Row.Version <= a.snap.Version {
		return
	}
	snap, err := a.reg.fromRow(c.Row)
	if err != nil { // this node cannot open it as sent: read it as stored
		ctx.Logger().Warn("assistant change from another node not decoded: reloading it", "assistant_id", c.Row.ID, "err", err)
		if err := a.load(); err != nil {
			ctx.Logger().Warn("assistant not reloaded: its calls keep their configuration", "assistant_id", c.Row.ID, "err", err)
			return
		}
	} else {
		snap.CommittedAt = c.At
		a.publish(snap)
		a.head = snap
	}
	a.notify(ctx)
}
