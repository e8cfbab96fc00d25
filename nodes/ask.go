package nodes

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Asking the other nodes: each runs the same named actors (calls,
// recordings), reached over remote at the members' addresses the cluster
// lists. A call or a recording file lives on one node and the database
// does not say which with certainty (a call's row is written behind it,
// and a restarted node keeps its files under a new boot), so a question
// goes to every other member at once and the one that has the answer says
// so: a cluster lookup costing one round trip, in parallel.

// askTimeout bounds an answer from another node.
const askTimeout = 5 * time.Second

// asker puts questions to one named actor on each other member.
type asker struct {
	root *actor.RootContext
	// peers are that actor on every other member, as of now.
	peers func() []*actor.PID
	log   *slog.Logger
}

// namedOnPeers is the actor called name on each of n's other members.
func (n *Node) namedOnPeers(name string) func() []*actor.PID {
	return func() []*actor.PID {
		addrs := n.peers()
		pids := make([]*actor.PID, len(addrs))
		for i, a := range addrs {
			pids[i] = actor.NewPID(a, name)
		}
		return pids
	}
}

// answer is one member's answer.
type answer struct {
	from *actor.PID
	msg  any
}

// all asks every other member msg, at once, and returns the answers of
// those that gave one within timeout; a member that did not is logged.
func (a asker) all(msg any, timeout time.Duration) []answer {
	pids := a.peers()
	futures := make([]*actor.Future, len(pids))
	for i, pid := range pids {
		futures[i] = a.root.RequestFuture(pid, msg, timeout)
	}
	out := make([]answer, 0, len(pids))
	for i, f := range futures {
		res, err := f.Result()
		if err != nil {
			a.log.Warn("a node did not answer", "node", pids[i].Address, "err", err)
			continue
		}
		out = append(out, answer{from: pids[i], msg: res})
	}
	return out
}
