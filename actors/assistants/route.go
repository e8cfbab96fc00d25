package assistants

import (
	"context"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
)

// With several nodes, an assistant's writes are routed to the one node
// the cluster activates the assistant's identity on, and run there by its
// actor: the writes of every node serialise in that mailbox, each on top
// of the one before, and none meets another's version. Reads, and the
// live calls' subscriptions, stay with each node's own actor, which adopts
// what the writing node committed.

// Op is a kind of routed write.
type Op int

const (
	OpUpdate Op = iota
	OpStatus
	OpRollback
	OpDelete
)

// Routed is one write as it crosses nodes.
type Routed struct {
	Op    Op
	By    auth.Principal
	Write assistant.Write // OpUpdate; only Fields, Replace, View and ChangeDescription cross
	// OpStatus.
	Active bool
	// OpRollback.
	HistoryID   int64
	Description *string
}

// Router carries writes to the node that runs them.
type Router interface {
	Route(ctx context.Context, id int64, w Routed) (*Snapshot, error)
}

// SetRouter makes the registry route its writes; set it before the
// registry is used. Without one, this node's actor runs them.
func (r *Registry) SetRouter(rt Router) { r.router = rt }

// routes reports whether w goes to another node: a write derived from
// the configuration by a function crosses only with the vendor view's
// body it translates (Write.View); one without cannot, and is written
// here on the version check alone.
func (r *Registry) routes(w assistant.Write) bool {
	return r.router != nil && (w.Translate == nil || w.View != nil)
}

// Run runs a write routed here on this node's actor for the assistant.
func (r *Registry) Run(ctx context.Context, id int64, w Routed) (*Snapshot, error) {
	switch w.Op {
	case OpStatus:
		return r.request(ctx, id, &writeRequest{by: w.By, changeType: "status",
			write: assistant.Write{Fields: assistant.Document{"is_active": w.Active}}})
	case OpRollback:
		return r.request(ctx, id, &rollbackRequest{by: w.By, historyID: w.HistoryID, description: w.Description})
	case OpDelete:
		return r.request(ctx, id, &deleteRequest{by: w.By})
	}
	return r.request(ctx, id, &writeRequest{by: w.By, write: w.Write, changeType: "update"})
}

// Adopt takes what another node committed for a write of this one (for
// a deletion, the last row, in full): this node's actor for the
// assistant, if one runs, adopts it before the writer is answered, so
// that it reads its own write. It returns the row's snapshot.
func (r *Registry) Adopt(ctx context.Context, c Committed) (*Snapshot, error) {
	snap, err := r.fromRow(c.Row)
	if err != nil {
		return nil, err
	}
	snap.CommittedAt = c.At
	r.mu.Lock()
	e := r.entries[c.Row.ID]
	r.mu.Unlock()
	if e != nil {
		if _, err := r.request(ctx, c.Row.ID, &adoptRequest{c: c}); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// adoptRequest is a peer commit answered once applied.
type adoptRequest struct{ c Committed }

// Stored is the snapshot as stored (its configuration sealed).
func (s *Snapshot) Stored() persistence.AssistantRow { return s.row() }
