package nodes_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/nodes/nodestest"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

func TestMain(m *testing.M) { os.Exit(nodestest.Main(m)) }

// cluster starts n nodes on a fresh database, waits until each sees them
// all, and returns them with a principal of an organization.
func cluster(t testing.TB, n int) ([]*nodestest.Node, auth.Principal) {
	t.Helper()
	dsn := pgtest.DSN(t)
	pool, err := persistence.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := persistence.NewStore(pool)
	ctx := context.Background()
	o, err := store.EnsureOrganization(ctx, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.EnsureUser(ctx, o.ID, "alice@a.test", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	c := nodestest.New(t)
	ns := make([]*nodestest.Node, n)
	for i := range ns {
		ns[i] = c.Start(t, dsn)
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		for i, node := range ns {
			if got := node.Do("members", "members")[1]; got != strconv.Itoa(n) {
				return fmt.Errorf("node %d sees %s members, want %d", i, got, n)
			}
		}
		return nil
	})
	return ns, auth.Principal{UserID: u, OrganizationID: o.ID, Role: auth.RoleAdmin}
}

// waitVersion waits for a node's subscribed call to be pushed version v,
// and returns when it arrived and when it was committed, on the node that
// committed it (Unix nanoseconds; 0 if not known).
func waitVersion(t testing.TB, n *nodestest.Node, v int) (arrived, committed int64) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case f := <-n.Changes:
			if got, _ := strconv.Atoi(f[2]); got >= v {
				arrived, _ = strconv.ParseInt(f[3], 10, 64)
				committed, _ = strconv.ParseInt(f[4], 10, 64)
				return arrived, committed
			}
		case <-timeout:
			t.Fatalf("no configuration of version %d pushed", v)
			return 0, 0
		}
	}
}

func TestAChangeOnOneNodeReachesCallsOnTheOthers(t *testing.T) {
	ns, alice := cluster(t, 3)
	a, b, c := ns[0], ns[1], ns[2]
	org, user := alice.OrganizationID, alice.UserID
	id := a.Do("created", `create %d %d {"name":"Front desk","api_keys":{"openai":"sk-node-a"}}`, org, user)[1]
	if v := b.Do("subscribed", "subscribe %d %s", org, id)[1]; v != "1" {
		t.Fatalf("B subscribed at version %s", v)
	}
	c.Do("subscribed", "subscribe %d %s", org, id)

	a.Do("updated", `update %d %d %s {"description":"Good morning"}`, org, user, id)
	if _, committed := waitVersion(t, b, 2); committed == 0 {
		t.Fatal("the change reached B without the time it was committed")
	}
	waitVersion(t, c, 2)
	// Reads on B are served from its snapshot, now the new one.
	if v := b.Do("got", "get %d %s", org, id)[1]; v != "2" {
		t.Fatalf("B reads version %s", v)
	}

	// A write through B, whose actor is at version 2 now, commits on top
	// and reaches the calls on A and C.
	a.Do("subscribed", "subscribe %d %s", org, id)
	b.Do("updated", `update %d %d %s {"name":"Reception"}`, org, user, id)
	waitVersion(t, a, 3)
	waitVersion(t, c, 3)

	// Writes through one node, then the other: each is applied on top of
	// the one before (no version conflict), and every call ends at the last.
	for i := range 5 {
		a.Do("updated", `update %d %d %s {"description":"a%d"}`, org, user, id, i)
		b.Do("updated", `update %d %d %s {"name":"b%d"}`, org, user, id, i)
	}
	for _, n := range ns {
		waitVersion(t, n, 13)
	}
}
