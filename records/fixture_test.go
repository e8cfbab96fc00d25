package records_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/records"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// protoactor's throttled dead-letter logging outlives an actor system for a while
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
}

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// fixture is a fresh database with an organization and an assistant,
// reached directly (pool) or through a proxy the test can cut (proxied).
type fixture struct {
	t       *testing.T
	pool    *pgxpool.Pool // direct: for checks
	store   *persistence.Store
	proxy   *pgtest.Proxy
	proxied *persistence.Store
	org     int64
	asst    int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	pool, err := persistence.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	proxy, proxyDSN := pgtest.NewProxy(t, dsn)
	// a small pool that gives up fast: the writer's view of the database
	proxied, err := persistence.Open(ctx, proxyDSN+"&pool_max_conns=4&pool_min_idle_conns=0&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxied.Close)
	f := &fixture{t: t, pool: pool, store: persistence.NewStore(pool), proxy: proxy, proxied: persistence.NewStore(proxied)}
	o, err := f.store.EnsureOrganization(ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	f.org = o.ID
	f.asst = f.newAssistant(ctx)
	return f
}

func (f *fixture) newAssistant(ctx context.Context) int64 {
	f.t.Helper()
	id, err := f.store.NextAssistantID(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: f.org, Name: "A", IsActive: true,
		Config: []byte(`{"name":"A"}`)}); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// writer starts a writer on store with a spill file in a temporary
// directory, closed when the test ends.
func (f *fixture) writer(store records.Store, o records.Options) *records.Writer {
	f.t.Helper()
	o.Store = store
	if o.SpillPath == "" {
		o.SpillPath = filepath.Join(f.t.TempDir(), "spill.jsonl")
	}
	w, err := records.New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = w.Close(context.Background()) })
	return w
}

func (f *fixture) flush(w *records.Writer) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.Flush(ctx); err != nil {
		f.t.Fatalf("flush: %v", err)
	}
}

// count runs a count(*) query.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// countingStore records the size of every batch it writes.
type countingStore struct {
	records.Store
	mu      sync.Mutex
	batches []int
}

func (c *countingStore) WriteRecords(ctx context.Context, recs []persistence.Record) error {
	err := c.Store.WriteRecords(ctx, recs)
	if err == nil {
		c.mu.Lock()
		c.batches = append(c.batches, len(recs))
		c.mu.Unlock()
	}
	return err
}

func (c *countingStore) written() (batches, records int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.batches {
		records += n
	}
	return len(c.batches), records
}
