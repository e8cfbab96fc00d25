// Package nodestest runs cluster nodes for tests, as processes of their
// own (nodes/internal/testnode) on a real etcd and PostgreSQL. Tests never
// skip: without a reachable etcd they fail and say how to get one (`make
// test` starts it through scripts/etcd.sh).
package nodestest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultEndpoint is the private etcd scripts/etcd.sh starts.
const DefaultEndpoint = "127.0.0.1:23790"

// Endpoints are etcd's client addresses: ETCD_ENDPOINTS (comma separated),
// else DefaultEndpoint. The test fails if etcd does not answer.
func Endpoints(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("ETCD_ENDPOINTS")
	if raw == "" {
		raw = DefaultEndpoint
	}
	c, err := net.DialTimeout("tcp", strings.Split(raw, ",")[0], 5*time.Second)
	if err != nil {
		t.Fatalf("nodestest: etcd at %s is not reachable: %v\n(run `make test`, or `export ETCD_ENDPOINTS=\"$(scripts/etcd.sh)\"`)", raw, err)
	}
	_ = c.Close()
	return raw
}

// binary is the test node program Main built.
var binary string

// Main builds the test node program (without the race detector: see
// testnode's documentation), runs the tests and removes it.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "testnode")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nodestest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "testnode")
	build := exec.Command("go", "build", "-o", binary, "github.com/switchboard-voice/switchboard/nodes/internal/testnode")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "nodestest: build the test node:", err)
		return 1
	}
	return m.Run()
}

// Cluster is a cluster of its own for one test: a name and an etcd prefix
// no other test shares.
type Cluster struct {
	Name, Prefix, Endpoints string
}

// New returns a fresh cluster on the test's etcd.
func New(t testing.TB) *Cluster {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	return &Cluster{Name: "sbtest-" + id, Prefix: "/switchboard-test/" + id, Endpoints: Endpoints(t)}
}

// Node is a running test node.
type Node struct {
	t       testing.TB
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan []string // answers to commands, one per command
	Changes chan []string // "changed ID VERSION UNIXNANO COMMITTED", split
	exited  chan struct{}
	stopped sync.Once
}

// Start runs a node of c on the database at dsn; it leaves when the test
// ends.
func (c *Cluster) Start(t testing.TB, dsn string) *Node {
	t.Helper()
	if binary == "" {
		t.Fatal("nodestest: call nodestest.Main from the package's TestMain")
	}
	cmd := exec.Command(binary, "-cluster", c.Name, "-prefix", c.Prefix, "-etcd", c.Endpoints)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &Node{t: t, cmd: cmd, stdin: stdin, replies: make(chan []string, 16), Changes: make(chan []string, 4096),
		exited: make(chan struct{})}
	go n.read(stdout)
	t.Cleanup(n.Stop)
	n.expect("ready")
	return n
}

func (n *Node) read(r io.Reader) {
	defer close(n.exited)
	s := bufio.NewScanner(r)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) > 0 && f[0] == "changed" {
			n.Changes <- f
		} else {
			n.replies <- f
		}
	}
}

// Do sends a command and returns its answer's fields, failing the test
// if the answer is not want.
func (n *Node) Do(want, format string, args ...any) []string {
	n.t.Helper()
	if _, err := fmt.Fprintf(n.stdin, format+"\n", args...); err != nil {
		n.t.Fatalf("nodestest: send: %v", err)
	}
	return n.expect(want)
}

// Send sends a command without waiting for its answer, which Expect
// takes: commands sent to several nodes in a row run at once.
func (n *Node) Send(format string, args ...any) {
	n.t.Helper()
	if _, err := fmt.Fprintf(n.stdin, format+"\n", args...); err != nil {
		n.t.Fatalf("nodestest: send: %v", err)
	}
}

// Expect waits for the answer to the command sent first of those not yet
// answered, failing the test if it is not want.
func (n *Node) Expect(want string) []string {
	n.t.Helper()
	return n.expect(want)
}

func (n *Node) expect(want string) []string {
	n.t.Helper()
	select {
	case f := <-n.replies:
		if len(f) == 0 || f[0] != want {
			n.t.Fatalf("nodestest: node answered %q, want %s", strings.Join(f, " "), want)
		}
		return f
	case <-n.exited:
		n.t.Fatalf("nodestest: node exited waiting for %s", want)
	case <-time.After(60 * time.Second):
		n.t.Fatalf("nodestest: no %s from node within 60 s", want)
	}
	return nil
}

// Stop makes the node leave the cluster and exit, before the test ends
// (which does it otherwise).
func (n *Node) Stop() { n.stopped.Do(n.stop) }

// Kill ends the node's process at once (SIGKILL): it leaves nothing in
// order, and the others see it go when its membership lease runs out.
func (n *Node) Kill() {
	n.stopped.Do(func() {
		_ = n.cmd.Process.Kill()
		<-n.exited
		_ = n.cmd.Wait() // killed, as asked
	})
}

// stop closes stdin, which makes the node leave and exit.
func (n *Node) stop() {
	_ = n.stdin.Close()
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
	if err := n.cmd.Wait(); err != nil {
		n.t.Errorf("nodestest: node: %v", err)
	}
}
