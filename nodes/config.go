package nodes

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
	"github.com/switchboard-voice/switchboard/persistence"
)

// A change committed on one node is sent to the config feed actor of
// every other member (a named actor on each, reached over remote), which
// hands it to its registry, which passes it to the assistant's actor
// there, which pushes it to its calls. Messages from one node to another
// arrive in the order sent.
//
// This is not cluster pub-sub: its topic actor keeps its subscribers in
// memory only (the library's default store keeps nothing), so when a
// member joins or leaves and the topic moves to another member, the
// subscriptions made before are gone, and changes published until each
// node subscribes again are lost to it. A send to the members the cluster
// lists at that moment has no such window.

// feedName is the config feed actor's name on every node.
const feedName = "assistant-config"

// Registry is where a node applies the changes other nodes committed.
type Registry interface {
	Apply(assistants.Committed)
}

// ConfigFeed sends this node's commits to the other nodes and applies
// theirs here. It implements assistants.Announcer.
type ConfigFeed struct {
	node *Node
	pid  *actor.PID
}

// StartConfigFeed starts applying the other nodes' changes to reg.
func (n *Node) StartConfigFeed(reg Registry) (*ConfigFeed, error) {
	pid, err := n.Cluster.ActorSystem.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if m, ok := ctx.Message().(*nodespb.AssistantCommitted); ok {
			reg.Apply(fromProto(m))
		}
	}), feedName)
	if err != nil {
		return nil, err
	}
	return &ConfigFeed{node: n, pid: pid}, nil
}

// Announce sends a commit of this node to the others.
func (f *ConfigFeed) Announce(c assistants.Committed) {
	msg := toProto(c)
	root := f.node.Cluster.ActorSystem.Root
	for _, addr := range f.node.peers() {
		root.Send(actor.NewPID(addr, feedName), msg)
	}
}

// Stop stops applying the other nodes' changes.
func (f *ConfigFeed) Stop() {
	_ = f.node.Cluster.ActorSystem.Root.StopFuture(f.pid).Wait()
}

func toProto(c assistants.Committed) *nodespb.AssistantCommitted {
	r := c.Row
	m := &nodespb.AssistantCommitted{AssistantId: r.ID, OrganizationId: r.OrganizationID, Deleted: c.Deleted}
	if !c.At.IsZero() {
		m.CommittedAtNs = c.At.UnixNano()
	}
	if c.Deleted {
		return m
	}
	m.Uuid, m.UserId, m.Version = r.UUID, r.UserID, int64(r.Version)
	m.CreatedAtUs, m.UpdatedAtUs, m.Config = r.CreatedAt.UnixMicro(), r.UpdatedAt.UnixMicro(), r.Config
	return m
}

func fromProto(m *nodespb.AssistantCommitted) assistants.Committed {
	row := persistence.AssistantRow{ID: m.AssistantId, OrganizationID: m.OrganizationId}
	var at time.Time
	if m.CommittedAtNs != 0 {
		at = time.Unix(0, m.CommittedAtNs)
	}
	if m.Deleted {
		return assistants.Committed{Row: row, Deleted: true, At: at}
	}
	row.UUID, row.UserID, row.Version = m.Uuid, m.UserId, int(m.Version)
	row.CreatedAt, row.UpdatedAt = time.UnixMicro(m.CreatedAtUs).UTC(), time.UnixMicro(m.UpdatedAtUs).UTC()
	row.Config = m.Config
	return assistants.Committed{Row: row, At: at}
}
