package nodes_test

import (
	"strconv"
	"testing"

	"github.com/switchboard-voice/switchboard/nodes/nodestest"
)

// BenchmarkLeaseAcquire measures how long a node takes to get a lease on
// a limited provider key from the key's counter: on the same node
// (local-*) and on another (remote-*), one lease after another, each
// given back. Three node processes on loopback, real etcd; each node
// times its own requests.
//
//	go test -run '^$' -bench LeaseAcquire -benchtime 2000x ./nodes/
func BenchmarkLeaseAcquire(b *testing.B) {
	ns, _ := cluster(b, 3)
	const key = "tts cartesia bench-key"
	var local, remote *nodestest.Node
	for _, n := range ns {
		if n.Do("host", "host %s", key)[1] == "here" {
			local = n
		} else {
			remote = n
		}
	}
	if local == nil {
		b.Fatal("no node hosts the key's counter")
	}
	b.ResetTimer()
	for _, side := range []struct {
		name string
		node *nodestest.Node
	}{{"local", local}, {"remote", remote}} {
		f := side.node.Do("timed", "time %s %d", key, b.N)
		for i, q := range []string{"p50", "p99", "max"} {
			us, _ := strconv.ParseFloat(f[i+1], 64)
			b.ReportMetric(us, side.name+"-"+q+"-us")
		}
	}
}
