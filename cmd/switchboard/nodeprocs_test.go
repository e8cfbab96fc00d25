package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/switchboard-voice/switchboard/nodes/nodestest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// built is the switchboard command, built once for every test that runs
// engines as processes of their own: without the race detector, as
// cluster members must be (nodes/internal/testnode says why).
var built struct {
	once sync.Once
	dir  string
	err  error
}

// switchboardBinary builds the command on first use and returns its path.
func switchboardBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "switchboard-test-bin"); built.err != nil {
			return
		}
		build := exec.Command("go", "build", "-o", filepath.Join(built.dir, "switchboard"), ".")
		build.Stderr = os.Stderr
		built.err = build.Run()
	})
	if built.err != nil {
		t.Fatalf("build: %v", built.err)
	}
	return filepath.Join(built.dir, "switchboard")
}

// removeBinary deletes the built command, after the package's tests.
func removeBinary() {
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
}

// nodeEnv is the environment of engine processes sharing the database at
// dsn and a secret key, without the demo, plus extra.
func nodeEnv(dsn string, extra ...string) []string {
	env := append(withoutVariable(os.Environ(), "DATABASE_URL"), "DATABASE_URL="+dsn,
		"SWITCHBOARD_SECRET_KEY="+base64.StdEncoding.EncodeToString(make([]byte, secrets.KeySize)), "SWITCHBOARD_DEMO=off")
	return append(env, extra...)
}

// fakeProviderKeys are the providers' key variables set to the fakes' key.
func fakeProviderKeys() []string {
	var env []string
	for _, k := range []string{"DEEPGRAM_API_KEY", "OPENAI_API_KEY", "ELEVENLABS_API_KEY", "SONIOX_API_KEY", "SPEECHMATICS_API_KEY"} {
		env = append(env, k+"=fake-key")
	}
	return env
}

// adminKey creates an admin key of a new organization with `switchboard
// keys create` and returns it.
func adminKey(t *testing.T, bin string, env []string, org string) string {
	t.Helper()
	keys := exec.Command(bin, "keys", "create", "--org", org, "--name", "test")
	keys.Env, keys.Stderr = env, os.Stderr
	out, err := keys.Output()
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// serveNode is `switchboard serve` running as a member of a cluster.
type serveNode struct {
	name string
	cmd  *exec.Cmd
	url  string // where it says it listens
}

// startServeNode starts `bin serve args…` as member name of cluster cl,
// its standard error to stderr, and returns once it listens. At the end of
// the test a node still running is drained (SIGTERM) and must exit 0; a
// node the test stopped itself is left as it is.
func startServeNode(t *testing.T, bin string, env []string, stderr io.Writer, cl *nodestest.Cluster, name string, args ...string) *serveNode {
	t.Helper()
	n := &serveNode{name: name}
	n.cmd = exec.Command(bin, append([]string{"serve", "--node", name, "--metrics-addr", "", "--cluster", "etcd",
		"--cluster-name", cl.Name, "--etcd-endpoints", cl.Endpoints, "--etcd-prefix", cl.Prefix}, args...)...)
	n.cmd.Env, n.cmd.Stderr = env, stderr
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if n.cmd.ProcessState != nil {
			return
		}
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		if err := n.cmd.Wait(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	})
	first, err := bufio.NewReader(stdout).ReadString('\n') // "Switchboard V listening on URL"
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	f := strings.Fields(first)
	n.url = f[len(f)-1]
	return n
}

// apiCall sends an API request with key (JSON when it has a body) and
// returns the status and body; it may run off the test's goroutine.
func apiCall(method, url, key, body string, h http.Header) (int, []byte, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// apiRequest is apiCall on the test's goroutine: a request that cannot be
// sent ends the test.
func apiRequest(t *testing.T, method, url, key, body string, h http.Header) (int, []byte) {
	t.Helper()
	status, b, err := apiCall(method, url, key, body, h)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return status, b
}

// apiJSON sends an API request that must succeed and decodes its answer
// into out.
func apiJSON(t *testing.T, method, url, key, body string, out any) {
	t.Helper()
	status, b := apiRequest(t, method, url, key, body, nil)
	if status >= 300 {
		t.Fatalf("%s %s: %d %s", method, url, status, b)
	}
	decodeJSON(t, b, out)
}

func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}
