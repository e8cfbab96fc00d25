package nodes

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"

	"github.com/switchboard-voice/switchboard/nodes/nodespb"
)

// A provider key's streams are counted by one cluster identity of kind
// capacityKind, named by a hash of the key: the identity lookup activates
// it on one member, every node asks it for a lease before opening a
// stream on the key and gives the lease back when the stream ends.
//
// Its count lives in memory only, so a new activation (the first use, or
// the identity moving off a member that left) starts by counting: it asks
// every member which leases it holds on the key (a census) and grants
// nothing until all have answered. Nodes note a lease before asking for
// it, and report it as asked until answered: the activation that moved
// may have granted it, so the new one counts it as held until its own
// request arrives, which it then answers as any other (the lease counted
// as held no more if refused). The leases of a member that leaves the
// cluster end with it.

// capacityKind is the cluster kind of the keys' counters.
const capacityKind = "provider-capacity"

// capacityIdle is how long a counter holding no lease stays active.
const capacityIdle = 5 * time.Minute

// counterPhase is where a counter's activation stands.
type counterPhase int

const (
	// counting: waiting for the members' censuses; requests wait.
	counting counterPhase = iota
	// granting: the count is complete.
	granting
)

// capacityCounter is the activation counting one key's leases.
type capacityCounter struct {
	node     *Node
	identity string
	phase    counterPhase
	leases   map[string]lease // by lease id
	awaited  map[string]bool  // addresses of members whose census is due
	waiting  []pendingAcquire // asked while counting
	sub      func()           // ends the topology subscription
	due      *time.Timer      // ends counting if a census never comes
}

// lease is one counted stream.
type lease struct {
	holder string // the holder's cluster address
	// asked: reported asked by a census, not yet granted by this counter.
	asked bool
}

type pendingAcquire struct {
	to  *actor.PID
	msg *nodespb.LeaseAcquire
}

// Messages a counter sends itself.
type (
	censusDue   struct{}
	membersLeft struct{ addresses []string }
)

func (n *Node) capacityKind() *cluster.Kind {
	return cluster.NewKind(capacityKind, actor.PropsFromProducer(func() actor.Actor {
		return &capacityCounter{node: n, leases: map[string]lease{}, awaited: map[string]bool{}}
	}))
}

func (c *capacityCounter) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *cluster.ClusterInit:
		c.identity = m.Identity.Identity
		c.watchMembers(ctx)
		c.census(ctx)
	case *nodespb.LeaseCensusReply:
		if m.Identity == c.identity && c.awaited[m.Address] {
			for _, id := range m.Granted {
				c.leases[id] = lease{holder: m.Address}
			}
			for _, id := range m.Asked {
				c.leases[id] = lease{holder: m.Address, asked: true}
			}
			c.answered(ctx, m.Address)
		}
	case censusDue:
		if c.phase == counting {
			ctx.Logger().Warn("provider capacity: members did not answer the census: counting without their leases",
				"identity", c.identity, "members", len(c.awaited))
			clear(c.awaited)
			c.grant(ctx)
		}
	case membersLeft:
		for _, addr := range m.addresses {
			for lid, l := range c.leases {
				if l.holder == addr {
					delete(c.leases, lid)
				}
			}
			if c.awaited[addr] {
				c.answered(ctx, addr)
			}
		}
	case *nodespb.LeaseAcquire:
		if c.phase == counting {
			c.waiting = append(c.waiting, pendingAcquire{to: ctx.Sender(), msg: m})
			return
		}
		ctx.Respond(c.acquire(m))
	case *nodespb.LeaseRelease:
		delete(c.leases, m.LeaseId)
		ctx.Respond(&nodespb.LeaseReply{Held: int32(len(c.leases))})
	case *actor.ReceiveTimeout:
		if c.phase == granting && len(c.leases) == 0 {
			ctx.Stop(ctx.Self())
		}
	case *actor.Stopping:
		if c.sub != nil {
			c.sub()
		}
		if c.due != nil {
			c.due.Stop()
		}
	}
}

// census asks every member, this one included, for the leases it holds.
func (c *capacityCounter) census(ctx actor.Context) {
	members := append([]string{c.node.Address()}, c.node.peers()...)
	for _, addr := range members {
		c.awaited[addr] = true
		ctx.Request(actor.NewPID(addr, holderName), &nodespb.LeaseCensus{Identity: c.identity})
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	c.due = time.AfterFunc(c.node.requestTimeout(), func() { root.Send(self, censusDue{}) })
}

func (c *capacityCounter) answered(ctx actor.Context, addr string) {
	delete(c.awaited, addr)
	if c.phase == counting && len(c.awaited) == 0 {
		c.grant(ctx)
	}
}

// grant ends counting: the requests that waited are answered in order.
func (c *capacityCounter) grant(ctx actor.Context) {
	c.phase = granting
	c.due.Stop()
	ctx.SetReceiveTimeout(capacityIdle)
	for _, p := range c.waiting {
		ctx.Send(p.to, c.acquire(p.msg))
	}
	c.waiting = nil
}

// acquire grants a lease if the key has a stream free besides it. A
// lease granted already (a retried request) keeps its grant; one a census
// reported asked is counted until now, and answered as a new one.
func (c *capacityCounter) acquire(m *nodespb.LeaseAcquire) *nodespb.LeaseReply {
	l, known := c.leases[m.LeaseId]
	if known && !l.asked {
		return &nodespb.LeaseReply{Granted: true, Held: int32(len(c.leases))}
	}
	delete(c.leases, m.LeaseId)
	if len(c.leases) >= int(m.Limit) {
		return &nodespb.LeaseReply{Held: int32(len(c.leases))}
	}
	c.leases[m.LeaseId] = lease{holder: m.Holder}
	return &nodespb.LeaseReply{Granted: true, Held: int32(len(c.leases))}
}

// watchMembers ends the leases of members that leave, and stops waiting
// for their census.
func (c *capacityCounter) watchMembers(ctx actor.Context) {
	self, root, stream := ctx.Self(), ctx.ActorSystem().Root, ctx.ActorSystem().EventStream
	sub := stream.Subscribe(func(evt any) {
		t, ok := evt.(*cluster.ClusterTopology)
		if !ok || len(t.Left) == 0 {
			return
		}
		left := membersLeft{}
		for _, m := range t.Left {
			left.addresses = append(left.addresses, m.Address())
		}
		root.Send(self, left)
	})
	c.sub = func() { stream.Unsubscribe(sub) }
}
