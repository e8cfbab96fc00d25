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
	var out []answer
	a.each(msg, timeout, func(ans answer) bool {
		out = append(out, ans)
		return false
	})
	return out
}

// first asks every other member msg, at once, and returns the first
// answer that found says is the one: a member that does not answer (one
// killed, still listed until its lease ends) delays nothing once another
// has.
func (a asker) first(msg any, timeout time.Duration, found func(any) bool) (answer, bool) {
	var hit answer
	ok := a.each(msg, timeout, func(ans answer) bool {
		if found(ans.msg) {
			hit = ans
			return true
		}
		return false
	})
	return hit, ok
}

// each hands the answers to msg to take as they come, until take says
// it is done (true) or every member answered or timed out.
func (a asker) each(msg any, timeout time.Duration, take func(answer) bool) bool {
	pids := a.peers()
	answers := make(chan answer, len(pids)) // the waits left behind end at timeout
	for _, pid := range pids {
		f := a.root.RequestFuture(pid, msg, timeout)
		go func() {
			res, err := f.Result()
			if err != nil {
				a.log.Warn("a node did not answer", "node", pid.Address, "err", err)
			}
			answers <- answer{from: pid, msg: res}
		}()
	}
	for range pids {
		if ans := <-answers; ans.msg != nil && take(ans) {
			return true
		}
	}
	return false
}
