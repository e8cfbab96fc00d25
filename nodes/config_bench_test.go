package nodes_test

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkConfigPropagation measures how long a change committed on one
// node takes to reach a call subscribed on another: from the moment the
// database confirms the commit on the node the assistant's writes run on
// (the committed snapshot carries it) to the other node's call actor
// receiving it. Two node processes on loopback, real etcd and PostgreSQL;
// both stamp the time with the same machine's clock. The updates are sent
// through the committing node, so the change reaches the other node only
// through the config feed.
//
//	go test -run '^$' -bench ConfigPropagation -benchtime 300x ./nodes/
func BenchmarkConfigPropagation(b *testing.B) {
	ns, alice := cluster(b, 2)
	org, user := alice.OrganizationID, alice.UserID
	id := ns[0].Do("created", `create %d %d {"name":"Front desk"}`, org, user)[1]
	writer, other := ns[0], ns[1]
	if writer.Do("writer", "writer %s", id)[1] != "here" {
		writer, other = other, writer
	}
	if other.Do("writer", "writer %s", id)[1] != "elsewhere" {
		b.Fatal("both nodes say they run the assistant's writes")
	}
	other.Do("subscribed", "subscribe %d %s", org, id)
	delays := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		f := writer.Do("updated", `update %d %d %s {"description":"change %d"}`, org, user, id, i)
		v, _ := strconv.Atoi(f[1])
		arrived, committed := waitVersion(b, other, v)
		if committed == 0 {
			b.Fatalf("version %d reached the other node without its commit time", v)
		}
		delays = append(delays, time.Duration(arrived-committed))
	}
	b.StopTimer()
	slices.Sort(delays)
	q := func(p float64) float64 { return float64(delays[int(p*float64(len(delays)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
}
