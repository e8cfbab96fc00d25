package nodes_test

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkConfigPropagation measures how long a change committed on node
// A takes to reach a call subscribed on node B: from A's Update returning
// (committed) to B's call actor receiving it. Two node processes on
// loopback, real etcd and PostgreSQL; both stamp the time with the same
// machine's clock.
//
//	go test -run '^$' -bench ConfigPropagation -benchtime 300x ./nodes/
func BenchmarkConfigPropagation(b *testing.B) {
	ns, alice := cluster(b, 2)
	a, nb := ns[0], ns[1]
	org, user := alice.OrganizationID, alice.UserID
	id := a.Do("created", `create %d %d {"name":"Front desk"}`, org, user)[1]
	nb.Do("subscribed", "subscribe %d %s", org, id)
	delays := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		f := a.Do("updated", `update %d %d %s {"description":"change %d"}`, org, user, id, i)
		v, _ := strconv.Atoi(f[1])
		committed, _ := strconv.ParseInt(f[2], 10, 64)
		arrived := waitVersion(b, nb, v)
		delays = append(delays, max(0, time.Duration(arrived-committed)))
	}
	b.StopTimer()
	slices.Sort(delays)
	q := func(p float64) float64 { return float64(delays[int(p*float64(len(delays)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
}
