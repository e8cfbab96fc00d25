// Package nodes joins engines into one Switchboard: a proto.actor Cluster
// whose members find one another through a membership provider (etcd, or
// Kubernetes' API in production) and talk over proto.actor remote (gRPC).
// An engine started without a provider joins nothing and runs alone.
package nodes

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/k8s"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/remote"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Provider names how members find one another.
type Provider string

const (
	// Alone: no cluster; the engine runs by itself.
	Alone Provider = ""
	// Etcd keeps the member list in etcd (Debian's etcd-server, or any
	// etcd v3 cluster), under a lease each member renews.
	Etcd Provider = "etcd"
	// Kubernetes lists the members as the pods of the engine's deployment
	// through the API server (in-cluster credentials).
	Kubernetes Provider = "kubernetes"
)

// ParseProvider reads a provider's name: none (or empty), etcd or kubernetes.
func ParseProvider(s string) (Provider, error) {
	switch strings.ToLower(s) {
	case "", "none":
		return Alone, nil
	case "etcd":
		return Etcd, nil
	case "kubernetes", "k8s":
		return Kubernetes, nil
	}
	return Alone, fmt.Errorf("nodes: unknown cluster provider %q: want none, etcd or kubernetes", s)
}

// Config is how a node joins.
type Config struct {
	Provider Provider
	// Name is the cluster's: nodes join the cluster of their name.
	Name string
	// Listen is the address of this node's cluster port (host:port; port 0
	// picks a free one). Other members must reach it, at Advertise if set.
	Listen    string
	Advertise string
	// EtcdEndpoints are etcd's client addresses (host:port), with Etcd.
	EtcdEndpoints []string
	// EtcdPrefix is the key under which the members are listed.
	EtcdPrefix string
	// Kinds are the cluster identities this node can host.
	Kinds []*cluster.Kind
	// RequestTimeout bounds a request to a cluster identity.
	RequestTimeout time.Duration
	Log            *slog.Logger
}

// DefaultName is the cluster's name when none is configured.
const DefaultName = "switchboard"

// Node is this engine's membership in the cluster.
type Node struct {
	Cluster *cluster.Cluster
	log     *slog.Logger
	// others are the other members' addresses, as of the last topology
	// the cluster published (its own member list is not safe to read
	// from other goroutines).
	others atomic.Pointer[[]string]
	// self is this node's member id, as the membership provider names it
	// (each provider its own way).
	self atomic.Pointer[string]
	// capacity counts provider keys' streams cluster-wide.
	capacity *Capacity
}

// ErrNoEndpoints means the etcd provider was chosen without endpoints.
var ErrNoEndpoints = errors.New("nodes: the etcd provider needs at least one endpoint")

// Join starts this node as a member of the cluster sys belongs to from now
// on. The actor system is the cluster's: Leave shuts it down.
func Join(sys *actor.ActorSystem, cfg Config) (n *Node, err error) {
	host, port, err := splitListen(cfg.Listen)
	if err != nil {
		return nil, err
	}
	provider, err := newProvider(cfg)
	if err != nil {
		return nil, err
	}
	name := cfg.Name
	if name == "" {
		name = DefaultName
	}
	ropts := []remote.ConfigOption{}
	if cfg.Advertise != "" {
		ropts = append(ropts, remote.WithAdvertisedHost(cfg.Advertise))
	}
	node := &Node{log: cfg.Log}
	node.capacity = newCapacity(node)
	copts := []cluster.ConfigOption{cluster.WithKinds(append(slices.Clone(cfg.Kinds), node.capacityKind())...)}
	if cfg.RequestTimeout > 0 {
		copts = append(copts, cluster.WithRequestTimeout(cfg.RequestTimeout))
	}
	c := cluster.New(sys, cluster.Configure(name, provider, disthash.New(), remote.Configure(host, port, ropts...), copts...))
	// StartMember panics on a provider's error (etcd unreachable, say).
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("nodes: join cluster %q through %s: %v", name, cfg.Provider, r)
		}
	}()
	node.Cluster = c
	node.others.Store(&[]string{})
	if err := node.capacity.startHolder(sys); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	sys.EventStream.Subscribe(func(evt any) {
		if t, ok := evt.(*cluster.ClusterTopology); ok {
			node.track(t)
		}
	})
	c.StartMember()
	cfg.Log.Info("joined the cluster", "cluster", name, "provider", string(cfg.Provider), "address", sys.Address())
	return node, nil
}

// track keeps the other members' addresses.
func (n *Node) track(t *cluster.ClusterTopology) {
	self := n.Cluster.ActorSystem.Address()
	others := make([]string, 0, len(t.Members))
	for _, m := range t.Members {
		if a := m.Address(); a != self {
			others = append(others, a)
		} else {
			n.self.Store(&m.Id)
		}
	}
	n.others.Store(&others)
}

// peers are the other members' addresses.
func (n *Node) peers() []string { return *n.others.Load() }

// Address is where other members reach this node.
func (n *Node) Address() string { return n.Cluster.ActorSystem.Address() }

// Members are the cluster's members this node sees, itself included.
func (n *Node) Members() int { return len(n.peers()) + 1 }

// Leave takes this node out of the cluster, gracefully (its identities
// move to other members), and stops its actor system.
func (n *Node) Leave() {
	n.capacity.Settle()
	n.Cluster.Shutdown(true)
	n.log.Info("left the cluster")
}

func newProvider(cfg Config) (cluster.ClusterProvider, error) {
	switch cfg.Provider {
	case Etcd:
		if len(cfg.EtcdEndpoints) == 0 {
			return nil, ErrNoEndpoints
		}
		prefix := cfg.EtcdPrefix
		if prefix == "" {
			prefix = "/switchboard"
		}
		p, err := etcd.NewWithConfig(prefix, clientv3.Config{Endpoints: cfg.EtcdEndpoints, DialTimeout: 5 * time.Second})
		if err != nil {
			return nil, fmt.Errorf("nodes: etcd client: %w", err)
		}
		return p, nil
	case Kubernetes:
		p, err := k8s.New()
		if err != nil {
			return nil, fmt.Errorf("nodes: kubernetes provider (it runs inside a pod): %w", err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("nodes: no cluster provider %q", cfg.Provider)
}

func splitListen(addr string) (string, int, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("nodes: cluster address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("nodes: cluster address %q: bad port", addr)
	}
	return host, port, nil
}
