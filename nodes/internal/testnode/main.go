// Command testnode is one node of the cluster tests: it joins a cluster
// on etcd with an assistant registry on DATABASE_URL and takes commands,
// one a line, on stdin; it answers and reports on stdout. The tests run
// nodes as processes of their own, built without the race detector:
// proto.actor's cluster (gossip, member list) and the gRPC logger it sets
// race with themselves, which would fail any test that ran a cluster in
// its own process under -race.
//
//	members                      → members N
//	subscribe ORG ID             → subscribed VERSION; then, per change,
//	                               changed ID VERSION UNIXNANO COMMITTED
//	                               (received, and committed on the node
//	                               that committed it; 0 if not known)
//	create ORG USER JSON         → created ID VERSION
//	update ORG USER ID JSON      → updated VERSION COMMITTED
//	get ORG ID                   → got VERSION
//	take, held, give, host, time → provider capacity (capacity.go)
//	writes, writer               → where assistants' writes run (writes.go)
//
// A failed command answers "error MESSAGE". EOF on stdin leaves the
// cluster and exits.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/nodes"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "testnode:", err)
		os.Exit(1)
	}
}

func run() error {
	name := flag.String("cluster", "", "cluster name")
	prefix := flag.String("prefix", "", "etcd prefix")
	endpoints := flag.String("etcd", "", "etcd endpoints, comma separated")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	pool, err := persistence.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer pool.Close()
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		return err
	}
	sys := actors.NewSystem(log)
	reg := assistants.NewRegistry(sys, persistence.NewStore(pool), box)
	node, err := nodes.Join(sys, nodes.Config{Provider: nodes.Etcd, Name: *name, Listen: "127.0.0.1:0",
		EtcdEndpoints: strings.Split(*endpoints, ","), EtcdPrefix: *prefix, Log: log,
		Kinds: []*cluster.Kind{nodes.AssistantKind(reg)}})
	if err != nil {
		return err
	}
	feed, err := node.StartConfigFeed(reg)
	if err != nil {
		node.Leave()
		return err
	}
	reg.SetAnnouncer(feed)
	reg.SetRouter(node.RouteAssistants(reg))
	var mu sync.Mutex // one writer of stdout at a time
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	say("ready %s", node.Address())
	leases := &batches{m: map[string]*batch{}}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		var err error
		switch verb, rest, _ := strings.Cut(in.Text(), " "); verb {
		case "take", "held", "give", "host", "time":
			err = leases.capacity(node, verb, rest, say)
		case "writes", "writer":
			err = writes(ctx, reg, node, verb, rest, say)
		default:
			err = command(ctx, sys, reg, node, in.Text(), say)
		}
		if err != nil {
			say("error %v", err)
		}
	}
	feed.Stop()
	node.Leave()
	return nil
}

func command(ctx context.Context, sys *actor.ActorSystem, reg *assistants.Registry, node *nodes.Node, line string, say func(string, ...any)) error {
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "members":
		say("members %d", node.Members())
	case "subscribe":
		var org, id int64
		if _, err := fmt.Sscan(rest, &org, &id); err != nil {
			return err
		}
		call := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
			if c, ok := ctx.Message().(*assistants.ConfigChanged); ok {
				say("changed %d %d %d %d", c.Snapshot.ID, c.Snapshot.Version, time.Now().UnixNano(), unixNano(c.Snapshot.CommittedAt))
			}
		}))
		snap, err := reg.Subscribe(ctx, org, id, call)
		if err != nil {
			return err
		}
		say("subscribed %d", snap.Version)
	case "create", "update":
		f := strings.SplitN(rest, " ", 4)
		if verb == "create" { // no id: the JSON is the third field
			if f = strings.SplitN(rest, " ", 3); len(f) == 3 {
				f = []string{f[0], f[1], "0", f[2]}
			}
		}
		if len(f) != 4 {
			return fmt.Errorf("%s: want ORG USER [ID] JSON", verb)
		}
		var n [3]int64
		for i := range n {
			v, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				return err
			}
			n[i] = v
		}
		w, err := assistant.ParseWrite([]byte(f[3]))
		if err != nil {
			return err
		}
		by := auth.Principal{OrganizationID: n[0], UserID: n[1], Role: auth.RoleAdmin}
		if verb == "create" {
			snap, err := reg.Create(ctx, by, w)
			if err != nil {
				return err
			}
			say("created %d %d", snap.ID, snap.Version)
			return nil
		}
		snap, err := reg.Update(ctx, by, n[2], w)
		if err != nil {
			return err
		}
		say("updated %d %d", snap.Version, unixNano(snap.CommittedAt))
	case "get":
		var org, id int64
		if _, err := fmt.Sscan(rest, &org, &id); err != nil {
			return err
		}
		snap, err := reg.Get(ctx, org, id)
		if err != nil {
			return err
		}
		say("got %d", snap.Version)
	default:
		return fmt.Errorf("unknown command %q", verb)
	}
	return nil
}

// unixNano is t in nanoseconds since the Unix epoch, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
