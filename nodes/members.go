package nodes

import (
	"github.com/asynkron/protoactor-go/cluster"
)

// MemberID is this node's member id in the cluster, as the other members
// see it leave; "" until the cluster's first topology listed this node
// (Join returns after the etcd provider published it).
func (n *Node) MemberID() string {
	if id := n.self.Load(); id != nil {
		return *id
	}
	return ""
}

// Membership is what a node is told of the cluster's members.
type Membership interface {
	// Joined: members joined; members is how many the cluster has now.
	Joined(ids []string, members int)
	// Left: members left, dead (their lease in the membership store ran
	// out, or the others stopped hearing them) or drained.
	Left(ids []string, members int)
}

// WatchMembers tells m of each change of the cluster's members from now
// on, until the returned function is called. m's methods run on the
// cluster's event stream: they must not block.
func (n *Node) WatchMembers(m Membership) (stop func()) {
	es := n.Cluster.ActorSystem.EventStream
	sub := es.Subscribe(func(evt any) {
		t, ok := evt.(*cluster.ClusterTopology)
		if !ok {
			return
		}
		if len(t.Joined) > 0 {
			m.Joined(ids(t.Joined), len(t.Members))
		}
		if len(t.Left) > 0 {
			m.Left(ids(t.Left), len(t.Members))
		}
	})
	return func() { es.Unsubscribe(sub) }
}

func ids(ms []*cluster.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Id
	}
	return out
}
