package nodes_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/nodes/nodestest"
)

// held waits for a take batch's answers: leases granted and refused.
func held(t *testing.T, n *nodestest.Node, batch string) (granted, refused int) {
	t.Helper()
	f := n.Do("held", "held %s", batch)
	granted, _ = strconv.Atoi(f[2])
	refused, _ = strconv.Atoi(f[3])
	return granted, refused
}

// A key's limit holds for the cluster: leases asked for at once on three
// nodes, more than the limit in all, are granted up to the limit and no
// further, whether the key's counter is new (it counts the members'
// leases first) or running; given back, they are granted again.
func TestAProviderLimitHoldsAcrossNodes(t *testing.T) {
	ns, _ := cluster(t, 3)
	const limit, each = 5, 4
	for round, key := range []string{"key-1", "key-2", "key-2", "key-3", "key-3"} {
		batch := fmt.Sprintf("r%d", round)
		for _, n := range ns { // asked for at once: each answers before its leases are
			n.Do("taking", "take %s tts cartesia %s %d %d", batch, key, limit, each)
		}
		granted := 0
		for _, n := range ns {
			g, r := held(t, n, batch)
			if g+r != each {
				t.Fatalf("round %d: a node was answered %d of %d", round, g+r, each)
			}
			granted += g
		}
		if granted != limit {
			t.Fatalf("round %d (%s): %d leases granted across the nodes, limit %d", round, key, granted, limit)
		}
		for _, n := range ns {
			n.Do("gave", "give %s", batch)
		}
		// The leases given back are free again.
		n := ns[round%3]
		n.Do("taking", "take %s-again tts cartesia %s %d %d", batch, key, limit, limit+1)
		if g, r := held(t, n, batch+"-again"); g != limit || r != 1 {
			t.Fatalf("round %d: %d granted, %d refused after all were given back; want %d and 1", round, g, r, limit)
		}
		n.Do("gave", "give %s-again", batch)
	}
}

// The leases of a node that leaves end with it, killed or not, and the
// key's counter moves off a node that leaves without losing the others'
// leases.
func TestLeasesOutliveTheirCounterButNotTheirNode(t *testing.T) {
	ns, _ := cluster(t, 3)
	const key = "stt deepgram moving-key"
	for i, n := range ns {
		n.Do("taking", "take one%d %s 3 1", i, key)
		if g, _ := held(t, n, fmt.Sprintf("one%d", i)); g != 1 {
			t.Fatalf("node %d was refused its lease", i)
		}
	}
	var host *nodestest.Node
	var rest []*nodestest.Node
	for _, n := range ns {
		if n.Do("host", "host %s", key)[1] == "here" {
			host = n
		} else {
			rest = append(rest, n)
		}
	}
	if host == nil || len(rest) != 2 {
		t.Fatalf("the counter runs on %d nodes", 3-len(rest))
	}
	rest[0].Do("taking", "take full %s 3 1", key)
	if g, _ := held(t, rest[0], "full"); g != 0 {
		t.Fatal("a fourth lease was granted on a limit of three")
	}

	// The counter's node leaves: its lease ends, the counter starts again
	// on a survivor and counts the survivors' two.
	host.Stop()
	waitMembers(t, rest, 2)
	rest[0].Do("taking", "take after-host %s 3 2", key)
	if g, r := held(t, rest[0], "after-host"); g != 1 || r != 1 {
		t.Fatalf("after the counter's node left: %d granted, %d refused; want 1 and 1", g, r)
	}

	// A holder is killed: its lease ends too, wherever the counter ran.
	rest[1].Kill()
	waitMembers(t, rest[:1], 1)
	rest[0].Do("taking", "take after-holder %s 3 2", key)
	if g, r := held(t, rest[0], "after-holder"); g != 1 || r != 1 {
		t.Fatalf("after a holder was killed: %d granted, %d refused; want 1 and 1", g, r)
	}
}

func waitMembers(t *testing.T, ns []*nodestest.Node, want int) {
	t.Helper()
	testkit.Eventually(t, 60*time.Second, func() error {
		for i, n := range ns {
			if got := n.Do("members", "members")[1]; got != strconv.Itoa(want) {
				return fmt.Errorf("node %d sees %s members, want %d", i, got, want)
			}
		}
		return nil
	})
}
