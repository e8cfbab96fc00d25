package assistants

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
)

// storeTimeout bounds one database operation of an actor.
const storeTimeout = 10 * time.Second

// missingIdle is how long an actor for an id that does not exist lingers.
const missingIdle = time.Second

// assistantActor owns one assistant.
//
// Writes are strictly serialised: each is applied on top of the one before
// it and gets its own version, history entry and response. They are
// committed by group commit: while one transaction is in flight, the next
// writes are applied in memory and wait to be committed together, so many
// writers cost a few transactions rather than one each. A writer is answered
// only after its write is committed; readers only ever see committed state.
//
// After a panic the actor restarts with fresh state; what must survive
// (the published snapshot and the subscribers) lives in its registry entry,
// which only this actor mutates.
type assistantActor struct {
	reg   *Registry
	id    int64
	entry *entry

	snap       *Snapshot // committed state; nil until loaded
	head       *Snapshot // state after every staged write
	queued     []*staged // applied, waiting for the next commit
	committing []*staged // in the transaction now in flight
	alone      int       // writes still to commit one per transaction: a group's data was refused
	deferred   []func()  // requests that need no write in progress (delete)
}

// staged is one write applied in memory.
type staged struct {
	replyTo *actor.PID
	op      func(head *Snapshot) (assistant.Result, persistence.HistoryEntry, error)
	by      auth.Principal
	snap    *Snapshot                 // the state after this write
	hist    *persistence.HistoryEntry // nil for a write that changed nothing
	retried bool
}

// commitDone reports a group commit's outcome back to the actor.
type commitDone struct {
	batch []*staged
	err   error
	at    time.Time // when the database confirmed the commit
}

func (a *assistantActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		ctx.SetReceiveTimeout(missingIdle)
	case *actor.ReceiveTimeout:
		if len(a.entry.subscribers) == 0 && a.committing == nil && a.reg.passivate(a.id, a.entry) {
			ctx.Stop(ctx.Self())
		}
	case *actor.Terminated:
		delete(a.entry.subscribers, m.Who.String())
	case *commitDone:
		a.guard(ctx, func() { a.committed(ctx, m) })
	case *getRequest:
		a.guard(ctx, func() {
			snap, err := a.loaded(m.orgID)
			a.respond(ctx, ctx.Sender(), snap, err)
		})
	case *subscribeRequest:
		a.guard(ctx, func() {
			snap, err := a.loaded(m.orgID)
			if err == nil {
				a.entry.subscribers[m.pid.String()] = m.pid
				ctx.Watch(m.pid)
			}
			a.respond(ctx, ctx.Sender(), snap, err)
		})
	case *peerCommit:
		a.guard(ctx, func() { a.peerCommitted(ctx, m.c) })
	case *adoptRequest:
		a.guard(ctx, func() {
			a.peerCommitted(ctx, m.c)
			a.respond(ctx, ctx.Sender(), a.snap, nil)
		})
	case *unsubscribeRequest:
		delete(a.entry.subscribers, m.pid.String())
		ctx.Unwatch(m.pid)
	case *createRequest:
		a.guard(ctx, func() {
			snap, err := a.create(m)
			a.respond(ctx, ctx.Sender(), snap, err)
		})
	case *writeRequest:
		a.guard(ctx, func() { a.write(ctx, m.by, a.updateOp(m)) })
	case *rollbackRequest:
		a.guard(ctx, func() { a.rollback(ctx, m) })
	case *deleteRequest:
		a.guard(ctx, func() {
			replyTo := ctx.Sender()
			a.whenQuiet(func() {
				snap, err := a.delete(ctx, m)
				a.respond(ctx, replyTo, snap, err)
			})
		})
	}
}

// guard runs fn; if it panics, every writer not yet answered and not in a
// transaction is told so, then the panic goes on to supervision, which
// restarts this actor alone with its state reloaded from the database.
func (a *assistantActor) guard(ctx actor.Context, fn func()) {
	sender := ctx.Sender()
	answered := false
	defer func() {
		if r := recover(); r != nil {
			if !answered && sender != nil {
				ctx.Send(sender, &reply{err: ErrCrashed})
			}
			for _, w := range a.queued {
				ctx.Send(w.replyTo, &reply{err: ErrCrashed})
			}
			panic(r)
		}
	}()
	fn()
	answered = true
}

func (a *assistantActor) respond(ctx actor.Context, to *actor.PID, snap *Snapshot, err error) {
	if to != nil {
		ctx.Send(to, &reply{snap: snap, err: err})
	}
	if a.snap != nil {
		ctx.SetReceiveTimeout(a.reg.idle)
	}
}

// loaded returns the committed snapshot, loading it on first use, as seen
// by an organization: another organization's assistant does not exist.
func (a *assistantActor) loaded(orgID int64) (*Snapshot, error) {
	if a.snap == nil {
		if err := a.load(); err != nil {
			return nil, err
		}
	}
	if a.snap.OrganizationID != orgID {
		return nil, ErrNotFound
	}
	return a.snap, nil
}

func (a *assistantActor) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	row, err := a.reg.store.LoadAssistant(ctx, a.id)
	if errors.Is(err, persistence.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	snap, err := a.reg.fromRow(row)
	if err != nil {
		return err
	}
	a.publish(snap)
	a.head = snap
	return nil
}

// publish makes a committed snapshot current for readers.
func (a *assistantActor) publish(snap *Snapshot) {
	a.snap = snap
	a.entry.snap.Store(snap)
}

func (a *assistantActor) create(m *createRequest) (*Snapshot, error) {
	res, err := assistant.Apply(nil, m.write, a.reg.sealer)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	userID := m.by.UserID
	row, err := a.reg.store.InsertAssistant(ctx, persistence.AssistantRow{
		ID: a.id, OrganizationID: m.by.OrganizationID, UserID: &userID,
		Name: res.Config.Name, IsActive: res.Config.IsActive, Config: res.JSON,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	committedAt := time.Now()
	snap, err := newSnapshot(row, res)
	if err != nil {
		return nil, err
	}
	snap.CommittedAt = committedAt
	a.publish(snap)
	a.head = snap
	return snap, nil
}

func (a *assistantActor) updateOp(m *writeRequest) func(*Snapshot) (assistant.Result, persistence.HistoryEntry, error) {
	return func(head *Snapshot) (assistant.Result, persistence.HistoryEntry, error) {
		res, err := assistant.Apply(head.Doc, m.write, a.reg.sealer)
		return res, persistence.HistoryEntry{ChangeType: m.changeType, ChangeDescription: m.write.ChangeDescription}, err
	}
}

func (a *assistantActor) rollback(ctx actor.Context, m *rollbackRequest) {
	if _, err := a.loaded(m.by.OrganizationID); err != nil {
		a.respond(ctx, ctx.Sender(), nil, err)
		return
	}
	sctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	h, err := a.reg.store.GetHistory(sctx, a.id, m.historyID)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		err = ErrHistoryNotFound
	case err != nil:
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if err != nil {
		a.respond(ctx, ctx.Sender(), nil, err)
		return
	}
	desc := m.description
	if desc == nil {
		d := fmt.Sprintf("Rolled back to version %d", h.Version)
		desc = &d
	}
	a.write(ctx, m.by, func(head *Snapshot) (assistant.Result, persistence.HistoryEntry, error) {
		target, err := assistant.DecodeDocument(h.Snapshot)
		if err != nil {
			return assistant.Result{}, persistence.HistoryEntry{}, fmt.Errorf("assistants: history %d: %w", h.ID, err)
		}
		res, err := assistant.Restore(head.Doc, target, a.reg.sealer)
		return res, persistence.HistoryEntry{ChangeType: "rollback", ChangeDescription: desc}, err
	})
}

// write stages a write on top of the current head and commits it with
// whatever else is waiting.
func (a *assistantActor) write(ctx actor.Context, by auth.Principal, op func(*Snapshot) (assistant.Result, persistence.HistoryEntry, error)) {
	if _, err := a.loaded(by.OrganizationID); err != nil {
		a.respond(ctx, ctx.Sender(), nil, err)
		return
	}
	w := &staged{replyTo: ctx.Sender(), op: op, by: by}
	if err := a.stage(w); err != nil {
		a.respond(ctx, w.replyTo, nil, err)
		return
	}
	a.queued = append(a.queued, w)
	a.flush(ctx)
}

// stage applies w on top of the head. A write that changes nothing gets no
// version and no history entry, except a rollback, which is always recorded
// so the timeline shows it was asked for.
func (a *assistantActor) stage(w *staged) error {
	res, h, err := w.op(a.head)
	if err != nil {
		return err
	}
	if len(res.Changed) == 0 && h.ChangeType != "rollback" {
		w.snap, w.hist = a.head, nil
		return nil
	}
	head := a.head
	row := persistence.AssistantRow{
		ID: a.id, UUID: head.UUID, OrganizationID: head.OrganizationID, UserID: head.UserID,
		Name: res.Config.Name, IsActive: res.Config.IsActive, Version: head.Version + 1,
		Config: res.JSON, CreatedAt: head.CreatedAt, UpdatedAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	snap, err := newSnapshot(row, res)
	if err != nil {
		return err
	}
	h.Version = head.Version
	h.Snapshot = head.JSON
	h.ChangedFields = res.Changed
	if h.ChangedFields == nil {
		h.ChangedFields = []string{}
	}
	user := w.by.UserID
	h.ChangedBy = &user
	if key := w.by.KeyID; key != 0 { // 0: a change made by the engine itself (the demo), not through a key
		h.ChangedByKey = &key
	}
	h.CreatedAt = row.UpdatedAt
	w.snap, w.hist = snap, &h
	a.head = snap
	return nil
}

// flush starts a group commit of the queued writes unless one is in flight.
func (a *assistantActor) flush(ctx actor.Context) {
	if a.committing != nil || len(a.queued) == 0 {
		a.runDeferred()
		return
	}
	batch := a.queued
	a.queued = nil
	if a.alone > 0 {
		batch, a.queued = batch[:1:1], batch[1:]
		a.alone--
	}
	var final *Snapshot
	var history []persistence.HistoryEntry
	for _, w := range batch {
		if w.hist != nil {
			final = w.snap
			history = append(history, *w.hist)
		}
	}
	if final == nil { // only no-ops: answer in order
		for _, w := range batch {
			a.respond(ctx, w.replyTo, w.snap, nil)
		}
		if len(a.queued) > 0 { // writes left to commit alone
			a.flush(ctx)
			return
		}
		a.runDeferred()
		return
	}
	a.committing = batch
	row := persistence.AssistantRow{
		ID: a.id, Name: final.Config.Name, IsActive: final.Config.IsActive,
		Version: final.Version, Config: final.JSON, UpdatedAt: final.UpdatedAt,
	}
	expected, self, root := a.snap.Version, ctx.Self(), a.reg.sys.Root
	go func() {
		done := &commitDone{batch: batch}
		defer func() {
			// A panic here would take down the process, not just this
			// actor: report it as the commit's failure instead.
			if r := recover(); r != nil {
				done.err = fmt.Errorf("%w: commit panicked: %v", ErrCrashed, r)
			}
			root.Send(self, done)
		}()
		sctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		defer cancel()
		done.err = a.reg.store.CommitAssistant(sctx, row, expected, history)
		done.at = time.Now()
	}()
}

// committed finishes a group commit: answers its writers, or on a conflict
// with another node reloads and applies them again, once.
func (a *assistantActor) committed(ctx actor.Context, m *commitDone) {
	if !sameBatch(m.batch, a.committing) {
		// Committed by this actor before a restart: answer, and reload
		// before the next use since the state here may predate it. (If
		// writes are already staged on that state, their commit will see
		// the version conflict and reload then.)
		a.answer(ctx, m.batch, m.err)
		if a.committing == nil && len(a.queued) == 0 {
			a.snap, a.head = nil, nil
		}
		return
	}
	a.committing = nil
	retry := errors.Is(m.err, persistence.ErrVersionConflict)
	for _, w := range m.batch {
		retry = retry && !w.retried
	}
	switch {
	case m.err == nil:
		var last *Snapshot
		for _, w := range m.batch {
			if w.hist != nil { // staged, not yet shared
				w.snap.CommittedAt = m.at
				last = w.snap
			}
		}
		a.publish(last)
		a.answer(ctx, m.batch, nil)
		a.notify(ctx)
		a.reg.announce(Committed{Row: a.snap.row(), At: m.at})
		a.flush(ctx)
		return
	case retry:
		for _, w := range m.batch {
			w.retried = true
		}
		// Another node committed first: its version reaches the calls
		// here now, whatever becomes of the writes staged on the old one.
		err := a.load()
		if err == nil {
			a.notify(ctx)
		}
		a.restage(ctx, append(m.batch, a.queued...), err)
	case persistence.Rejected(m.err) && len(m.batch) > 1:
		// The database refused data of one of the writes: commit them
		// one by one, so that it fails alone.
		a.alone = len(m.batch)
		a.head = a.snap
		a.restage(ctx, append(m.batch, a.queued...), nil)
	default:
		switch {
		case persistence.Rejected(m.err):
			m.err = fmt.Errorf("%w: %w", ErrRejected, m.err)
		case !errors.Is(m.err, persistence.ErrVersionConflict) && !errors.Is(m.err, ErrCrashed):
			m.err = fmt.Errorf("%w: %w", ErrUnavailable, m.err)
		}
		a.answer(ctx, m.batch, m.err)
		a.head = a.snap
		a.restage(ctx, a.queued, nil)
	}
}

// restage applies writes again on top of the committed state.
func (a *assistantActor) restage(ctx actor.Context, writes []*staged, loadErr error) {
	a.queued = nil
	for _, w := range writes {
		err := loadErr
		if err == nil {
			err = a.stage(w)
		}
		if err != nil {
			a.respond(ctx, w.replyTo, nil, err)
			continue
		}
		a.queued = append(a.queued, w)
	}
	a.flush(ctx)
}

func (a *assistantActor) answer(ctx actor.Context, batch []*staged, err error) {
	for _, w := range batch {
		if err != nil {
			a.respond(ctx, w.replyTo, nil, err)
		} else {
			a.respond(ctx, w.replyTo, w.snap, nil)
		}
	}
}

func sameBatch(a, b []*staged) bool {
	return len(a) > 0 && len(b) > 0 && a[0] == b[0]
}

// whenQuiet runs fn now if no write is staged or in flight, else after.
func (a *assistantActor) whenQuiet(fn func()) {
	a.deferred = append(a.deferred, fn)
	a.runDeferred()
}

func (a *assistantActor) runDeferred() {
	for a.committing == nil && len(a.queued) == 0 && len(a.deferred) > 0 {
		fn := a.deferred[0]
		a.deferred = a.deferred[1:]
		fn()
	}
}

func (a *assistantActor) delete(ctx actor.Context, m *deleteRequest) (*Snapshot, error) {
	if _, err := a.loaded(m.by.OrganizationID); err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := a.reg.store.DeleteAssistant(sctx, a.id); err != nil && !errors.Is(err, persistence.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	deleted, at := a.snap, time.Now()
	a.forget(ctx)
	a.reg.announce(Committed{Row: persistence.AssistantRow{ID: deleted.ID, OrganizationID: deleted.OrganizationID}, Deleted: true, At: at})
	return deleted, nil
}

// forget drops a deleted assistant. Live calls keep the configuration
// they have and finish normally.
func (a *assistantActor) forget(ctx actor.Context) {
	a.snap, a.head = nil, nil
	a.entry.snap.Store(nil)
	for _, pid := range a.entry.subscribers {
		ctx.Unwatch(pid)
	}
	clear(a.entry.subscribers)
}

// notify pushes the committed snapshot to every subscribed call.
func (a *assistantActor) notify(ctx actor.Context) {
	msg := &ConfigChanged{Snapshot: a.snap}
	for _, pid := range a.entry.subscribers {
		ctx.Send(pid, msg)
	}
}
