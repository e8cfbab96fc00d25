package nodes_test

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/nodes/nodestest"
)

// BenchmarkRoutedWrite measures an assistant's update, committed, through
// the node its writes run on (local-*) and through another node, whose
// write crosses to it and back (routed-*). Two node processes on
// loopback, real etcd and PostgreSQL; timed by the test around each
// command (the pipe to the node adds tens of µs to both).
//
//	go test -run '^$' -bench RoutedWrite -benchtime 200x ./nodes/
func BenchmarkRoutedWrite(b *testing.B) {
	ns, alice := cluster(b, 2)
	org, user := alice.OrganizationID, alice.UserID
	id := ns[0].Do("created", `create %d %d {"name":"Front desk"}`, org, user)[1]
	var writer, other *nodestest.Node
	for _, n := range ns {
		if n.Do("writer", "writer %s", id)[1] == "here" {
			writer = n
		} else {
			other = n
		}
	}
	if writer == nil || other == nil {
		b.Fatal("the assistant's writes run on no node, or on both")
	}
	b.ResetTimer()
	for _, side := range []struct {
		name string
		node *nodestest.Node
	}{{"local", writer}, {"routed", other}} {
		took := make([]time.Duration, 0, b.N)
		for i := range b.N {
			start := time.Now()
			side.node.Do("updated", `update %d %d %s {"description":"%s %d"}`, org, user, id, side.name, i)
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		q := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
		b.ReportMetric(q(0.5), side.name+"-p50-ms")
		b.ReportMetric(q(0.99), side.name+"-p99-ms")
	}
}
