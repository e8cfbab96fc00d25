package assistants

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Store is what assistant actors need from the database.
type Store interface {
	NextAssistantID(ctx context.Context) (int64, error)
	InsertAssistant(ctx context.Context, a persistence.AssistantRow) (persistence.AssistantRow, error)
	LoadAssistant(ctx context.Context, id int64) (persistence.AssistantRow, error)
	CommitAssistant(ctx context.Context, a persistence.AssistantRow, expected int, history []persistence.HistoryEntry) error
	DeleteAssistant(ctx context.Context, id int64) error
	GetHistory(ctx context.Context, assistantID, id int64) (persistence.HistoryEntry, error)
}

// DefaultIdle is how long an assistant actor without live calls stays
// active after its last message.
const DefaultIdle = 5 * time.Minute

// requestTimeout bounds a request when the caller's context has no deadline.
const requestTimeout = 15 * time.Second

// Registry activates assistant actors on first use and passivates them
// when idle. It is the only way in: HTTP handlers and calls use its methods.
type Registry struct {
	sys    *actor.ActorSystem
	store  Store
	sealer assistant.Sealer
	idle   time.Duration
	// announcer carries commits to the other nodes; nil on a lone node.
	announcer Announcer
	// router carries writes to the node that runs them; nil alone.
	router Router

	mu      sync.Mutex
	entries map[int64]*entry
}

// entry is an active assistant actor. inflight is guarded by Registry.mu;
// subscribers are touched only by the actor; snap is its published state.
type entry struct {
	pid         *actor.PID
	inflight    int
	snap        atomic.Pointer[Snapshot]
	subscribers map[string]*actor.PID
}

// NewRegistry returns a registry whose actors live in sys.
func NewRegistry(sys *actor.ActorSystem, store Store, sealer assistant.Sealer) *Registry {
	return &Registry{sys: sys, store: store, sealer: sealer, idle: DefaultIdle, entries: map[int64]*entry{}}
}

// SetIdle changes how long idle actors stay active (tests shorten it).
func (r *Registry) SetIdle(d time.Duration) { r.idle = d }

// Active reports how many assistant actors are running.
func (r *Registry) Active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// Get returns an assistant of orgID. Active assistants answer from their
// published snapshot without a mailbox round trip.
func (r *Registry) Get(ctx context.Context, orgID, id int64) (*Snapshot, error) {
	r.mu.Lock()
	e := r.entries[id]
	r.mu.Unlock()
	if e != nil {
		if s := e.snap.Load(); s != nil {
			if s.OrganizationID != orgID {
				return nil, ErrNotFound
			}
			return s, nil
		}
	}
	return r.request(ctx, id, &getRequest{orgID: orgID})
}

// Create stores a new assistant for the principal's organization.
func (r *Registry) Create(ctx context.Context, by auth.Principal, w assistant.Write) (*Snapshot, error) {
	// Reject a bad body before reserving an id, so ids are not burnt on 422s.
	if _, err := assistant.Apply(nil, w, r.sealer); err != nil {
		return nil, err
	}
	id, err := r.store.NextAssistantID(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return r.request(ctx, id, &createRequest{by: by, write: w})
}

// Update applies a PUT or PATCH.
func (r *Registry) Update(ctx context.Context, by auth.Principal, id int64, w assistant.Write) (*Snapshot, error) {
	if r.routes(w) {
		return r.router.Route(ctx, id, Routed{Op: OpUpdate, By: by, Write: w})
	}
	return r.request(ctx, id, &writeRequest{by: by, write: w, changeType: "update"})
}

// SetStatus activates or deactivates an assistant.
func (r *Registry) SetStatus(ctx context.Context, by auth.Principal, id int64, active bool) (*Snapshot, error) {
	if r.router != nil {
		return r.router.Route(ctx, id, Routed{Op: OpStatus, By: by, Active: active})
	}
	w := assistant.Write{Fields: assistant.Document{"is_active": active}}
	return r.request(ctx, id, &writeRequest{by: by, write: w, changeType: "status"})
}

// Rollback restores the configuration recorded in a history entry.
func (r *Registry) Rollback(ctx context.Context, by auth.Principal, id, historyID int64, description *string) (*Snapshot, error) {
	if r.router != nil {
		return r.router.Route(ctx, id, Routed{Op: OpRollback, By: by, HistoryID: historyID, Description: description})
	}
	return r.request(ctx, id, &rollbackRequest{by: by, historyID: historyID, description: description})
}

// Delete removes an assistant; it returns the last snapshot.
func (r *Registry) Delete(ctx context.Context, by auth.Principal, id int64) (*Snapshot, error) {
	if r.router != nil {
		return r.router.Route(ctx, id, Routed{Op: OpDelete, By: by})
	}
	return r.request(ctx, id, &deleteRequest{by: by})
}

// Subscribe registers a live call's actor for ConfigChanged messages and
// returns the current snapshot. The subscription ends when the call's actor
// stops or calls Unsubscribe.
func (r *Registry) Subscribe(ctx context.Context, orgID, id int64, call *actor.PID) (*Snapshot, error) {
	return r.request(ctx, id, &subscribeRequest{orgID: orgID, pid: call})
}

// Unsubscribe stops ConfigChanged messages to a call.
func (r *Registry) Unsubscribe(id int64, call *actor.PID) {
	r.mu.Lock()
	e := r.entries[id]
	r.mu.Unlock()
	if e != nil {
		r.sys.Root.Send(e.pid, &unsubscribeRequest{pid: call})
	}
}

// request sends msg to the assistant's actor, activating it if needed, and
// waits for its reply.
func (r *Registry) request(ctx context.Context, id int64, msg any) (*Snapshot, error) {
	timeout := requestTimeout
	if dl, ok := ctx.Deadline(); ok {
		if timeout = time.Until(dl); timeout <= 0 {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, context.DeadlineExceeded)
		}
	}
	for attempt := 0; attempt < 3; attempt++ {
		e := r.acquire(id)
		res, err := r.sys.Root.RequestFuture(e.pid, msg, timeout).Result()
		r.release(id, e, errors.Is(err, actor.ErrDeadLetter))
		switch {
		case errors.Is(err, actor.ErrDeadLetter):
			continue // the actor was stopped by its supervisor; start a fresh one
		case err != nil:
			return nil, fmt.Errorf("%w: assistant %d did not answer: %w", ErrUnavailable, id, err)
		}
		rep := res.(*reply)
		return rep.snap, rep.err
	}
	return nil, fmt.Errorf("%w: assistant %d keeps failing", ErrUnavailable, id)
}

// acquire returns the assistant's entry, spawning its actor if needed, and
// counts the caller in flight so the actor cannot passivate under it.
func (r *Registry) acquire(id int64) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[id]
	if e == nil {
		e = &entry{subscribers: map[string]*actor.PID{}}
		props := actor.PropsFromProducer(func() actor.Actor { return &assistantActor{reg: r, id: id, entry: e} })
		e.pid = r.sys.Root.SpawnPrefix(props, "assistant-"+strconv.FormatInt(id, 10)+"-")
		r.entries[id] = e
	}
	e.inflight++
	return e
}

func (r *Registry) release(id int64, e *entry, dead bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.inflight--
	if dead && r.entries[id] == e {
		delete(r.entries, id)
	}
}

// passivate removes an idle actor's entry unless a request is in flight;
// the actor stops only if this returns true. New requests then activate a
// fresh actor, which reloads from the database.
func (r *Registry) passivate(id int64, e *entry) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries[id] != e || e.inflight > 0 {
		return false
	}
	delete(r.entries, id)
	return true
}
