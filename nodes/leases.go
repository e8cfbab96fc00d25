package nodes

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/nodes/nodespb"
)

// holderName is the name of the actor on every node that answers the
// counters' censuses with the leases this node holds.
const holderName = "provider-leases"

// Capacity counts the streams on limited provider keys across the
// cluster: it implements providers.Capacity.
type Capacity struct {
	node *Node

	mu sync.Mutex
	// held are this node's leases by key identity: asked for or granted,
	// and not yet given back.
	held map[string]map[string]*leaseState

	releasing sync.WaitGroup // releases on their way to the counters
}

// leaseState is what a node knows of one of its leases.
type leaseState struct {
	granted bool
	// reported by a census: a counter counts it even if it is refused.
	reported bool
}

func newCapacity(n *Node) *Capacity {
	return &Capacity{node: n, held: map[string]map[string]*leaseState{}}
}

// Capacity is this node's share in counting provider keys' streams.
func (n *Node) Capacity() *Capacity { return n.capacity }

// Take asks the key's counter for one of its limit streams. The key is
// named by a hash: it never leaves this node. ok is false when all are
// taken; err when the counter did not answer (the stream must not open).
func (c *Capacity) Take(kind, provider, key string, limit int) (release func(), ok bool, err error) {
	id := keyIdentity(kind, provider, key)
	lease := rand.Text()
	c.note(id, lease)
	res, err := c.node.Cluster.Request(id, capacityKind, &nodespb.LeaseAcquire{
		LeaseId: lease, Limit: int32(limit), Holder: c.node.Address()})
	if err == nil {
		if _, isReply := res.(*nodespb.LeaseReply); !isReply {
			err = fmt.Errorf("unexpected answer %T", res)
		}
	}
	if err != nil { // it may have been granted all the same
		c.release(id, lease)
		return nil, false, fmt.Errorf("nodes: provider capacity: %w", err)
	}
	if !res.(*nodespb.LeaseReply).Granted {
		if c.forget(id, lease).reported { // counted by a census all the same
			c.send(id, lease)
		}
		return nil, false, nil
	}
	c.granted(id, lease)
	return sync.OnceFunc(func() { c.release(id, lease) }), true, nil
}

// note records a lease before it is asked for, so that a census taken
// while it is granted counts it.
func (c *Capacity) note(id, lease string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[id] == nil {
		c.held[id] = map[string]*leaseState{}
	}
	c.held[id][lease] = &leaseState{}
}

func (c *Capacity) granted(id, lease string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.held[id][lease]; s != nil {
		s.granted = true
	}
}

// forget drops a lease from this node's list, returning its state.
func (c *Capacity) forget(id, lease string) leaseState {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.held[id][lease]
	if delete(c.held[id], lease); len(c.held[id]) == 0 {
		delete(c.held, id)
	}
	if s == nil {
		return leaseState{}
	}
	return *s
}

// release gives a lease back: off this node's list first, so no later
// census counts it, then to the counter, without waiting.
func (c *Capacity) release(id, lease string) {
	c.forget(id, lease)
	c.send(id, lease)
}

func (c *Capacity) send(id, lease string) {
	c.releasing.Go(func() {
		if _, err := c.node.Cluster.Request(id, capacityKind, &nodespb.LeaseRelease{LeaseId: lease}); err != nil {
			c.node.log.Warn("provider capacity: a lease was not given back: its key counts it until its counter restarts",
				"identity", id, "err", err)
		}
	})
}

// Settle waits until the leases given back have reached their counters.
// Call it once nothing takes or gives back leases any more (Leave does,
// after the engine's calls have ended).
func (c *Capacity) Settle() { c.releasing.Wait() }

// census lists this node's leases on a key, granted and asked, marking
// them counted.
func (c *Capacity) census(id string) (granted, asked []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for lease, s := range c.held[id] {
		s.reported = true
		if s.granted {
			granted = append(granted, lease)
		} else {
			asked = append(asked, lease)
		}
	}
	return granted, asked
}

// startHolder answers the counters' censuses on this node.
func (c *Capacity) startHolder(sys *actor.ActorSystem) error {
	_, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if m, ok := ctx.Message().(*nodespb.LeaseCensus); ok {
			granted, asked := c.census(m.Identity)
			ctx.Respond(&nodespb.LeaseCensusReply{Identity: m.Identity, Address: sys.Address(),
				Granted: granted, Asked: asked})
		}
	}), holderName)
	return err
}

// keyIdentity names a key's counter: a hash of the kind of stream, the
// provider and the key, so the key itself never crosses nodes.
func keyIdentity(kind, provider, key string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + provider + "\x00" + key))
	return hex.EncodeToString(h[:16])
}

// requestTimeout bounds a request to a cluster identity.
func (n *Node) requestTimeout() time.Duration { return n.Cluster.Config.RequestTimeoutTime }

// Host is the address of the node that counts a key's streams,
// activating its counter there if none runs.
func (c *Capacity) Host(kind, provider, key string) string {
	pid := c.node.Cluster.Get(keyIdentity(kind, provider, key), capacityKind)
	if pid == nil {
		return ""
	}
	return pid.Address
}
