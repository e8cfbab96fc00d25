package nodes_test

import (
	"strconv"
	"testing"

	"github.com/switchboard-voice/switchboard/nodes/nodestest"
)

// versions parses a writes command's answer.
func versions(t *testing.T, f []string) []int {
	t.Helper()
	out := make([]int, 0, len(f)-1)
	for _, s := range f[1:] {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("version %q: %v", s, err)
		}
		out = append(out, v)
	}
	return out
}

// Writes to one assistant through two nodes at once all commit, each on
// the one before: their versions are contiguous, none lost or refused.
// When the node its writes run on leaves, they run on the other.
func TestWritesThroughTwoNodesSerialise(t *testing.T) {
	ns, alice := cluster(t, 2)
	org, user := alice.OrganizationID, alice.UserID
	id := ns[0].Do("created", `create %d %d {"name":"Front desk"}`, org, user)[1]
	const each = 15
	next := 2
	for round := range 2 {
		for _, n := range ns { // at once: each node writes while the other does
			n.Send("writes %d %d %s %d", org, user, id, each)
		}
		seen := map[int]bool{}
		for _, n := range ns {
			for _, v := range versions(t, n.Expect("wrote")) {
				if seen[v] {
					t.Fatalf("round %d: version %d committed twice", round, v)
				}
				seen[v] = true
			}
		}
		for v := next; v < next+2*each; v++ {
			if !seen[v] {
				t.Fatalf("round %d: version %d missing of %d..%d: %v", round, v, next, next+2*each-1, seen)
			}
		}
		next += 2 * each
	}

	var writer, other *nodestest.Node
	for _, n := range ns {
		if n.Do("writer", "writer %s", id)[1] == "here" {
			writer = n
		} else {
			other = n
		}
	}
	if writer == nil || other == nil {
		t.Fatal("the assistant's writes run on no node, or on both")
	}
	writer.Stop()
	waitMembers(t, []*nodestest.Node{other}, 1)
	got := versions(t, other.Do("wrote", "writes %d %d %s %d", org, user, id, 5))
	for i, v := range got {
		if v != next+i {
			t.Fatalf("after the writer left: versions %v, want %d..%d", got, next, next+4)
		}
	}
	if other.Do("writer", "writer %s", id)[1] != "here" {
		t.Fatal("the assistant's writes did not move to the node left")
	}
}
