package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/nodes/nodestest"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// endReports counts the end-of-call reports a webhook receiver got, by
// call SID.
type endReports struct {
	mu  sync.Mutex
	got map[string]int
}

func newEndReports(t *testing.T) (*endReports, string) {
	r := &endReports{got: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m struct {
			Message struct {
				Type string `json:"type"`
				Call struct {
					SID string `json:"phoneCallProviderId"`
				} `json:"call"`
			} `json:"message"`
		}
		_ = json.NewDecoder(req.Body).Decode(&m)
		if m.Message.Type == "end-of-call-report" {
			r.mu.Lock()
			r.got[m.Message.Call.SID]++
			r.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func (r *endReports) count(sid string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[sid]
}

// membersJoined is a node's log line once it sees three members.
var membersJoined = regexp.MustCompile(`"members joined the cluster" members=3`)

// clusterNode is a `switchboard serve` process of a cluster, with the fake
// Twilio whose calls reach it.
type clusterNode struct {
	*serveNode
	log   *syncBuffer // stderr
	cloud *twiliotest.Cloud
	calls []*twiliotest.Call
}

// startClusterNode starts `bin serve` in cluster c, with a fake Twilio
// (account and token shared by every node's) whose calls go to it.
func startClusterNode(t *testing.T, bin string, env []string, c *nodestest.Cluster, i int, account, token string) *clusterNode {
	t.Helper()
	addr, api := freeAddr(t), freeAddr(t)
	url := "http://" + addr
	cloud, err := twiliotest.New(twiliotest.Config{Engine: url, Public: url, AccountSID: account, AuthToken: token, APIAddr: api})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Close)
	n := &clusterNode{log: &syncBuffer{}, cloud: cloud}
	n.serveNode = startServeNode(t, bin, append(env, "SWITCHBOARD_TWILIO_API_URL=http://"+api), n.log, c, fmt.Sprintf("node-%d", i),
		"--addr", addr, "--data-dir", t.TempDir(), "--allow-private-urls", "--drain-timeout", "10s")
	return n
}

// dial places a call through the node's carrier and has a turn on it.
func (n *clusterNode) dial(t *testing.T, number string) *twiliotest.Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, err := n.cloud.Dial(ctx, "+15550001111", number)
	if err != nil {
		t.Fatal(err)
	}
	converse(t, c, "hello there", "You said: Hello there")
	n.calls = append(n.calls, c)
	return c
}

// converse has the caller say something and waits for the reply.
func converse(t *testing.T, c *twiliotest.Call, say, reply string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := c.Phone.WaitHeard(ctx, "Welcome to the cluster line."); err != nil {
		t.Fatalf("%s heard %q: %v", c.SID, c.Phone.Transcript(), err)
	}
	c.Say(say)
	if err := c.Phone.WaitHeard(ctx, reply); err != nil {
		t.Fatalf("%s heard %q: %v", c.SID, c.Phone.Transcript(), err)
	}
}

// Three `serve` nodes in one cluster (etcd, one PostgreSQL), live calls on
// each. Node 2 is killed (-9): its carrier sockets drop, and the members
// still in the cluster see it leave and close its calls' rows at once
// (engine-gone-left-cluster: no carrier status callback is configured,
// and no heartbeat goes stale meanwhile), each call's end-of-call report
// sent once; the other nodes' calls go on. Then node 1 drains (SIGTERM):
// its calls hear their goodbye and end as server-shutdown, their records
// and reports written by node 1 itself (nothing is handed off: the
// survivor closes none of them), and it exits 0; node 0 keeps serving, and
// its calls end normally.
func TestANodeDiesAnotherDrains(t *testing.T) {
	bin := switchboardBinary(t)
	fk, err := fakes.New(fakes.Options{Key: "fake-key", Script: openaifake.Script{Default: "You said: {user}"}})
	if err != nil {
		t.Fatal(err)
	}
	fakeSrv := httptest.NewServer(fk)
	t.Cleanup(func() { fk.Close(); fakeSrv.Close() })
	hook, hookURL := newEndReports(t)

	env := nodeEnv(pgtest.DSN(t), append(fk.Env(fakeSrv.URL), fakeProviderKeys()...)...)
	key := adminKey(t, bin, env, "Cluster")

	c := nodestest.New(t)
	account, token := "AC"+carriertest.Hex(16), carriertest.Hex(16)
	ns := make([]*clusterNode, 3)
	for i := range ns {
		ns[i] = startClusterNode(t, bin, env, c, i, account, token)
	}
	for i := range 2 { // the first two saw the others join; the last found them there
		waitFor(t, ns[i].log, membersJoined)
	}

	api := func(method, url, body string, out any) {
		t.Helper()
		apiJSON(t, method, url, key, body, out)
	}
	var created struct{ ID int64 }
	api("POST", ns[0].url+"/api/v1/assistants", fmt.Sprintf(`{"name":"Cluster desk","webhook_url":%q,
		"llm_settings":{"welcome_message":"Welcome to the cluster line."},
		"twilio_config":{"account_sid":%q,"auth_token":%q}}`, hookURL, account, token), &created)
	const number = "+15550004444"
	api("POST", ns[0].url+"/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":%q,"provider":"twilio","assistant_id":%d}`,
		number, created.ID), &struct{}{})

	// Two live calls on each node, their rows in progress.
	for _, n := range ns {
		for range 2 {
			n.dial(t, number)
		}
	}
	type row struct {
		Status      string  `json:"status"`
		EndedReason *string `json:"ended_reason"`
	}
	callRow := func(sid string) row {
		var r row
		api("GET", ns[0].url+"/api/v1/calls/sid/"+sid, "", &r)
		return r
	}
	for _, n := range ns {
		for _, call := range n.calls {
			testkit.Eventually(t, 30*time.Second, func() error {
				if r := callRow(call.SID); r.Status != "in-progress" || r.EndedReason != nil {
					return fmt.Errorf("call %s: %+v", call.SID, r)
				}
				return nil
			})
		}
	}

	// kill -9 node 2.
	dead := ns[2]
	killed := time.Now()
	if err := dead.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = dead.cmd.Wait()
	for _, call := range dead.calls {
		select {
		case <-call.Done(): // the carrier's socket dropped with the process
		case <-time.After(30 * time.Second):
			t.Fatalf("call %s still live at its carrier after its node was killed", call.SID)
		}
	}
	var closedAfter time.Duration
	testkit.Eventually(t, 60*time.Second, func() error {
		for _, call := range dead.calls {
			if r := callRow(call.SID); r.EndedReason == nil || *r.EndedReason != events.EndEngineLeftCluster {
				return fmt.Errorf("killed node's call %s: %+v", call.SID, r)
			}
		}
		closedAfter = time.Since(killed)
		return nil
	})
	t.Logf("the killed node's %d calls were closed %v after the kill", len(dead.calls), closedAfter.Round(time.Millisecond))
	testkit.Eventually(t, 30*time.Second, func() error {
		for _, call := range dead.calls {
			if n := hook.count(call.SID); n != 1 {
				return fmt.Errorf("killed node's call %s: %d end-of-call reports", call.SID, n)
			}
		}
		return nil
	})
	// The other nodes' calls are untouched: live, still talking.
	for _, n := range ns[:2] {
		for _, call := range n.calls {
			if call.Over() {
				t.Fatalf("call %s on a surviving node ended with the killed one", call.SID)
			}
			converse(t, call, "are you still there", "You said: Are you still there")
			if r := callRow(call.SID); r.EndedReason != nil {
				t.Fatalf("call %s on a surviving node was closed: %+v", call.SID, r)
			}
		}
	}

	// Node 1 drains.
	drained := ns[1]
	if err := drained.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := drained.cmd.Wait(); err != nil {
		t.Fatalf("the drained node exited with %v\n%s", err, drained.log.String())
	}
	for _, call := range drained.calls {
		select {
		case <-call.Done():
		case <-time.After(30 * time.Second):
			t.Fatalf("call %s still live at its carrier after its node drained", call.SID)
		}
		if heard := call.Phone.Transcript(); !strings.Contains(heard, engine.DefaultGoodbye) {
			t.Errorf("call %s on the drained node heard %q, no goodbye", call.SID, heard)
		}
		if r := callRow(call.SID); r.EndedReason == nil || *r.EndedReason != events.EndShutdown {
			t.Errorf("call %s on the drained node: %+v", call.SID, r)
		}
	}

	// Node 0 keeps serving: its calls, and a new one.
	fresh := ns[0].dial(t, number)
	for _, call := range ns[0].calls {
		if call != fresh {
			converse(t, call, "goodbye then", "You said: Goodbye then")
		}
		call.HangUp()
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		for _, call := range ns[0].calls {
			if r := callRow(call.SID); r.EndedReason == nil || *r.EndedReason != events.EndCallerHungUp {
				return fmt.Errorf("call %s on the node left: %+v", call.SID, r)
			}
		}
		return nil
	})

	// Every call's end-of-call report, once: the killed node's by a
	// survivor, the drained node's by itself, the last node's by it.
	testkit.Eventually(t, 30*time.Second, func() error {
		for _, n := range ns {
			for _, call := range n.calls {
				if got := hook.count(call.SID); got != 1 {
					return fmt.Errorf("call %s: %d end-of-call reports", call.SID, got)
				}
			}
		}
		return nil
	})
}
