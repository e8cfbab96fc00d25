package organization

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// While the database is away, an organization this node has read keeps
// its settings as last read, past the cache's expiry, so that its calls
// are still routed and run; one it never read is an error.
func TestSettingsAsLastReadThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	proxy, proxied := pgtest.NewProxy(t, dsn)
	pool, err := persistence.Open(ctx, proxied+"&pool_min_idle_conns=0&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := persistence.NewStore(pool)
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	read, err := store.EnsureOrganization(ctx, "Read")
	if err != nil {
		t.Fatal(err)
	}
	unread, err := store.EnsureOrganization(ctx, "Unread")
	if err != nil {
		t.Fatal(err)
	}
	d := NewDirectory(store, box)
	now := time.Now()
	d.now = func() time.Time { return now }
	want, err := d.Get(ctx, read.ID)
	if err != nil {
		t.Fatal(err)
	}

	proxy.Cut()
	now = now.Add(2 * cacheTTL)
	got, err := d.Get(ctx, read.ID)
	if err != nil || got != want {
		t.Fatalf("an organization read before the outage: %v, %v", got, err)
	}
	if _, err := d.Get(ctx, unread.ID); err == nil {
		t.Fatal("an organization never read came from nowhere")
	}
	proxy.Restore()
	if got, err := d.Get(ctx, read.ID); err != nil || got == want {
		t.Fatalf("after the outage the settings are read again: %v (same: %v), %v", got, got == want, err)
	}
}
