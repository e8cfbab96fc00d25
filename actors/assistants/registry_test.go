package assistants

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

type fixture struct {
	store *persistence.Store
	reg   *Registry
	sys   *actor.ActorSystem
	alice auth.Principal // organization A
	bob   auth.Principal // organization B
}

func newFixture(t *testing.T, wrap func(Store) Store) *fixture {
	t.Helper()
	ctx := context.Background()
	store := persistence.NewStore(pgtest.Pool(t))
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	sys := actors.NewSystem(slog.New(slog.DiscardHandler))
	t.Cleanup(sys.Shutdown)
	var s Store = store
	if wrap != nil {
		s = wrap(store)
	}
	f := &fixture{store: store, sys: sys, reg: NewRegistry(sys, s, box)}
	f.alice = principal(t, ctx, store, "org-a", "alice@a.test")
	f.bob = principal(t, ctx, store, "org-b", "bob@b.test")
	return f
}

func principal(t *testing.T, ctx context.Context, s *persistence.Store, org, email string) auth.Principal {
	t.Helper()
	o, err := s.EnsureOrganization(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.EnsureUser(ctx, o.ID, email, auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Principal{UserID: u, OrganizationID: o.ID, Role: auth.RoleAdmin}
}

func write(t testing.TB, body string) assistant.Write {
	t.Helper()
	w, err := assistant.ParseWrite([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestLifecycleAndScoping(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	snap, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"Front desk"}`))
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != 1 || snap.Config.Name != "Front desk" || snap.OrganizationID != f.alice.OrganizationID {
		t.Fatalf("created %+v", snap)
	}
	if _, err := f.reg.Get(ctx, f.bob.OrganizationID, snap.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization read: %v", err)
	}
	if _, err := f.reg.Update(ctx, f.bob, snap.ID, write(t, `{"name":"hijack"}`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization write: %v", err)
	}
	if _, err := f.reg.Get(ctx, f.alice.OrganizationID, snap.ID+1000); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id: %v", err)
	}

	upd, err := f.reg.Update(ctx, f.alice, snap.ID, write(t, `{"llm_settings":{"temperature":0.9},"change_description":"warmer"}`))
	if err != nil || upd.Version != 2 || upd.Config.LLMSettings.Temperature != 0.9 {
		t.Fatalf("update: %+v %v", upd, err)
	}
	off, err := f.reg.SetStatus(ctx, f.alice, snap.ID, false)
	if err != nil || off.Config.IsActive || off.Version != 3 {
		t.Fatalf("status: %+v %v", off, err)
	}
	hist, total, err := f.store.ListHistory(ctx, snap.ID, 0, 10)
	if err != nil || total != 2 {
		t.Fatalf("history: %d entries, %v", total, err)
	}
	if hist[0].ChangeType != "status" || !slices.Equal(hist[0].ChangedFields, []string{"is_active"}) || hist[0].Version != 2 {
		t.Errorf("newest entry %+v", hist[0])
	}
	if hist[1].ChangeType != "update" || *hist[1].ChangeDescription != "warmer" || *hist[1].ChangedBy != f.alice.UserID {
		t.Errorf("oldest entry %+v", hist[1])
	}

	// Roll back to version 1: the rollback itself appears in the history.
	rb, err := f.reg.Rollback(ctx, f.alice, snap.ID, hist[1].ID, nil)
	if err != nil || rb.Config.LLMSettings.Temperature != 0.5 || !rb.Config.IsActive || rb.Version != 4 {
		t.Fatalf("rollback: %+v %v", rb, err)
	}
	hist, total, _ = f.store.ListHistory(ctx, snap.ID, 0, 10)
	if total != 3 || hist[0].ChangeType != "rollback" || hist[0].Version != 3 {
		t.Fatalf("after rollback: %d entries, newest %+v", total, hist[0])
	}
	if _, err := f.reg.Rollback(ctx, f.alice, snap.ID, 999999, nil); !errors.Is(err, ErrHistoryNotFound) {
		t.Errorf("unknown history entry: %v", err)
	}

	if _, err := f.reg.Delete(ctx, f.bob, snap.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization delete: %v", err)
	}
	if _, err := f.reg.Delete(ctx, f.alice, snap.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Get(ctx, f.alice.OrganizationID, snap.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("read after delete: %v", err)
	}
}

// 50 concurrent PATCHes to one assistant: none is lost, each is one history
// entry, and the final state equals applying them in history order.
func TestConcurrentWritesAreSerialised(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	snap, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"busy"}`))
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"description":"writer %d","custom_settings":{"w%d":%d},"llm_settings":{"max_tokens":%d}}`, i, i, i, 100+i)
			if _, err := f.reg.Update(ctx, f.alice, snap.ID, write(t, body)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	hist, total, err := f.store.ListHistory(ctx, snap.ID, 0, 100)
	if err != nil || total != n {
		t.Fatalf("%d history entries (%v), want %d", total, err, n)
	}
	// Replay: each entry's snapshot is the state before the next write, so
	// entry k+1's snapshot must be entry k's snapshot plus one writer.
	final, err := f.reg.Get(ctx, f.alice.OrganizationID, snap.ID)
	if err != nil || final.Version != n+1 {
		t.Fatalf("final version %d (%v)", final.Version, err)
	}
	custom := final.Config.CustomSettings
	if len(custom) != n {
		t.Fatalf("final custom_settings has %d writers, want %d: lost writes", len(custom), n)
	}
	slices.Reverse(hist) // oldest first
	for k := 1; k < n; k++ {
		var before, after assistant.Config
		_ = json.Unmarshal(hist[k-1].Snapshot, &before)
		_ = json.Unmarshal(hist[k].Snapshot, &after)
		if len(after.CustomSettings) != len(before.CustomSettings)+1 || hist[k].Version != hist[k-1].Version+1 {
			t.Fatalf("entry %d is not entry %d plus one write", k, k-1)
		}
	}
	// The final state is the last history snapshot plus exactly the writer
	// whose description stuck: the last one applied.
	var last assistant.Config
	_ = json.Unmarshal(hist[n-1].Snapshot, &last)
	var w int
	if _, err := fmt.Sscanf(*final.Config.Description, "writer %d", &w); err != nil {
		t.Fatal(err)
	}
	if _, ok := last.CustomSettings[fmt.Sprintf("w%d", w)]; ok || len(last.CustomSettings) != n-1 {
		t.Fatalf("last snapshot %v is not the final state minus writer %d", last.CustomSettings, w)
	}
	if final.Config.LLMSettings.MaxTokens != 100+w {
		t.Fatalf("max_tokens %d from another writer than %d", final.Config.LLMSettings.MaxTokens, w)
	}
}

// panicSealer panics when asked to seal "boom": a bug inside an actor.
type panicSealer struct{ assistant.Sealer }

func (p panicSealer) Seal(s string) (string, error) {
	if s == "boom" {
		panic("injected failure")
	}
	return p.Sealer.Seal(s)
}

// failingStore fails or panics commits on demand.
type failingStore struct {
	Store
	mode atomic.Value // "", "error" or "panic"
}

func (f *failingStore) CommitAssistant(ctx context.Context, a persistence.AssistantRow, expected int, h []persistence.HistoryEntry) error {
	switch f.mode.Load() {
	case "error":
		return errors.New("injected outage")
	case "panic":
		panic("injected commit panic")
	}
	return f.Store.CommitAssistant(ctx, a, expected, h)
}

func TestPanicIsIsolated(t *testing.T) {
	f := newFixture(t, nil)
	f.reg.sealer = panicSealer{f.reg.sealer}
	ctx := context.Background()
	victim, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"victim"}`))
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"bystander"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Update(ctx, f.alice, victim.ID, write(t, `{"llm_provider_config":{"api_key":"boom"}}`)); !errors.Is(err, ErrCrashed) {
		t.Fatalf("write to the failing actor: %v, want ErrCrashed", err)
	}
	if _, err := f.reg.Update(ctx, f.alice, bystander.ID, write(t, `{"description":"fine"}`)); err != nil {
		t.Fatalf("bystander affected: %v", err)
	}
	got, err := f.reg.Update(ctx, f.alice, victim.ID, write(t, `{"description":"recovered"}`))
	if err != nil || got.Version != 2 || *got.Config.Description != "recovered" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
}

// A failed commit answers its writers with an error, loses nothing that was
// committed, and the next writes go through.
func TestFailedCommit(t *testing.T) {
	fs := &failingStore{}
	fs.mode.Store("")
	f := newFixture(t, func(s Store) Store { fs.Store = s; return fs })
	ctx := context.Background()
	a, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"flaky"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"error", "panic"} {
		fs.mode.Store(mode)
		if _, err := f.reg.Update(ctx, f.alice, a.ID, write(t, `{"description":"lost"}`)); err == nil {
			t.Fatalf("%s: write reported success", mode)
		}
		got, err := f.reg.Get(ctx, f.alice.OrganizationID, a.ID)
		if err != nil || got.Version != 1 || got.Config.Description != nil {
			t.Fatalf("%s: readers see an uncommitted write: %+v %v", mode, got, err)
		}
	}
	fs.mode.Store("")
	got, err := f.reg.Update(ctx, f.alice, a.ID, write(t, `{"description":"kept"}`))
	if err != nil || got.Version != 2 {
		t.Fatalf("after the outage: %+v %v", got, err)
	}
}

// subscriber is a stand-in for a call actor.
type subscriber struct{ got chan *ConfigChanged }

func (s *subscriber) Receive(ctx actor.Context) {
	if m, ok := ctx.Message().(*ConfigChanged); ok {
		s.got <- m
	}
}

func TestSubscribersGetChangesAndPassivation(t *testing.T) {
	f := newFixture(t, nil)
	f.reg.SetIdle(time.Hour)
	ctx := context.Background()
	snap, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"live"}`))
	if err != nil {
		t.Fatal(err)
	}
	sub := &subscriber{got: make(chan *ConfigChanged, 4)}
	pid := f.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return sub }))
	if _, err := f.reg.Subscribe(ctx, f.bob.OrganizationID, snap.ID, pid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cross-organization subscribe: %v", err)
	}
	if _, err := f.reg.Subscribe(ctx, f.alice.OrganizationID, snap.ID, pid); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Update(ctx, f.alice, snap.ID, write(t, `{"llm_settings":{"temperature":1}}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-sub.got:
		if m.Snapshot.Version != 2 || m.Snapshot.Config.LLMSettings.Temperature != 1 {
			t.Fatalf("ConfigChanged %+v", m.Snapshot)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no ConfigChanged")
	}
	// An idle timeout with a live subscriber keeps the actor; once the call
	// ends the next one passivates it. Timeouts are injected, not waited for.
	idle := func() {
		f.reg.mu.Lock()
		e := f.reg.entries[snap.ID]
		f.reg.mu.Unlock()
		if e != nil {
			f.sys.Root.Send(e.pid, &actor.ReceiveTimeout{})
		}
	}
	idle()
	if _, err := f.reg.request(ctx, snap.ID, &getRequest{orgID: f.alice.OrganizationID}); err != nil {
		t.Fatal(err)
	}
	if f.reg.Active() != 1 {
		t.Fatalf("actor with a live subscriber passivated")
	}
	f.sys.Root.Stop(pid)
	testkit.Eventually(t, 5*time.Second, func() error {
		idle()
		if n := f.reg.Active(); n != 0 {
			return fmt.Errorf("%d assistant actors still active", n)
		}
		return nil
	})
	// It comes back on demand with the committed state.
	got, err := f.reg.Get(ctx, f.alice.OrganizationID, snap.ID)
	if err != nil || got.Version != 2 {
		t.Fatalf("reactivated: %+v %v", got, err)
	}
}

// gateStore holds the first commit until released and counts commits.
type gateStore struct {
	Store
	gate    chan struct{}
	commits atomic.Int32
}

func (g *gateStore) CommitAssistant(ctx context.Context, a persistence.AssistantRow, expected int, h []persistence.HistoryEntry) error {
	if g.commits.Add(1) == 1 {
		<-g.gate
	}
	return g.Store.CommitAssistant(ctx, a, expected, h)
}

// Writes that arrive while a transaction is in flight are committed
// together in the next one, each with its own version and history entry.
func TestGroupCommit(t *testing.T) {
	gs := &gateStore{gate: make(chan struct{})}
	f := newFixture(t, func(s Store) Store { gs.Store = s; return gs })
	ctx := context.Background()
	a, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"grouped"}`))
	if err != nil {
		t.Fatal(err)
	}
	inflight := func() int {
		f.reg.mu.Lock()
		defer f.reg.mu.Unlock()
		if e := f.reg.entries[a.ID]; e != nil {
			return e.inflight
		}
		return 0
	}
	versions := make(chan int, 11)
	var wg sync.WaitGroup
	patch := func(i int) {
		snap, err := f.reg.Update(ctx, f.alice, a.ID, write(t, fmt.Sprintf(`{"custom_settings":{"w%d":true}}`, i)))
		if err != nil {
			t.Error(err)
			return
		}
		versions <- snap.Version
	}
	wg.Go(func() { patch(0) })
	testkit.Eventually(t, 5*time.Second, func() error {
		if gs.commits.Load() != 1 {
			return errors.New("first commit not started")
		}
		return nil
	})
	for i := 1; i <= 10; i++ {
		wg.Go(func() { patch(i) })
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := inflight(); n != 11 {
			return fmt.Errorf("%d writers waiting", n)
		}
		return nil
	})
	close(gs.gate)
	wg.Wait()
	close(versions)
	var got []int
	for v := range versions {
		got = append(got, v)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}) {
		t.Fatalf("versions answered: %v", got)
	}
	if n := gs.commits.Load(); n != 2 {
		t.Fatalf("%d transactions for 11 writes, want 2", n)
	}
	_, total, _ := f.store.ListHistory(ctx, a.ID, 0, 100)
	if total != 11 {
		t.Fatalf("%d history entries, want 11", total)
	}
}

// Two nodes with the same assistant active: a write on the stale node
// reloads and applies on top of the other node's, losing neither.
func TestTwoNodesDoNotLoseWrites(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	other := NewRegistry(f.sys, f.store, f.reg.sealer)
	a, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"shared"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Get(ctx, f.alice.OrganizationID, a.ID); err != nil { // node 2 loads version 1
		t.Fatal(err)
	}
	if _, err := f.reg.Update(ctx, f.alice, a.ID, write(t, `{"custom_settings":{"node1":true}}`)); err != nil {
		t.Fatal(err)
	}
	got, err := other.Update(ctx, f.alice, a.ID, write(t, `{"custom_settings":{"node2":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || len(got.Config.CustomSettings) != 2 {
		t.Fatalf("stale node's write: version %d, custom %v", got.Version, got.Config.CustomSettings)
	}
}

// A write whose data the database refuses (text jsonb cannot hold) fails
// alone, as a refusal: the valid writes committed in the same group are
// kept, each with its version.
func TestRefusedWriteFailsAlone(t *testing.T) {
	gs := &gateStore{gate: make(chan struct{})}
	f := newFixture(t, func(s Store) Store { gs.Store = s; return gs })
	ctx := context.Background()
	a, err := f.reg.Create(ctx, f.alice, write(t, `{"name":"grouped"}`))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { // holds the first commit open while the group forms
		if _, err := f.reg.Update(ctx, f.alice, a.ID, write(t, `{"custom_settings":{"first":true}}`)); err != nil {
			t.Error(err)
		}
	})
	testkit.Eventually(t, 5*time.Second, func() error {
		if gs.commits.Load() != 1 {
			return errors.New("first commit not started")
		}
		return nil
	})
	errs := make([]error, 6)
	for i := range errs {
		w := write(t, fmt.Sprintf(`{"custom_settings":{"w%d":true}}`, i))
		if i == 3 { // past the HTTP decoder's check: what the database refuses
			w = assistant.Write{Fields: typeddoc.Document{"description": "a\x00b"}}
		}
		wg.Go(func() { _, errs[i] = f.reg.Update(ctx, f.alice, a.ID, w) })
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		f.reg.mu.Lock()
		defer f.reg.mu.Unlock()
		if n := f.reg.entries[a.ID].inflight; n != 7 {
			return fmt.Errorf("%d writers waiting", n)
		}
		return nil
	})
	close(gs.gate)
	wg.Wait()
	for i, err := range errs {
		if i == 3 {
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("refused write: %v", err)
			}
		} else if err != nil {
			t.Fatalf("valid write %d lost with the refused one: %v", i, err)
		}
	}
	got, err := f.reg.Get(ctx, f.alice.OrganizationID, a.ID)
	if err != nil || got.Version != 7 || got.Config.Description != nil || len(got.Config.CustomSettings) != 6 {
		t.Fatalf("after the group: version %d, %+v, %v", got.Version, got.Config.CustomSettings, err)
	}
}
