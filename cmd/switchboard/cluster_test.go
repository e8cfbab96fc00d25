package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/nodes/nodestest"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// scripts/etcd.sh, which `make test` and `make cluster` use, prints the
// endpoint of an etcd that answers.
func TestEtcdScriptPrintsAHealthyEndpoint(t *testing.T) {
	cmd := exec.Command("../../scripts/etcd.sh")
	cmd.Env = withoutVariable(os.Environ(), "ETCD_ENDPOINTS")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("etcd.sh: %v", err)
	}
	endpoint := strings.TrimSpace(string(out))
	res, err := http.Get("http://" + endpoint + "/health")
	if err != nil {
		t.Fatalf("etcd.sh printed %s: %v", endpoint, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !bytes.Contains(body, []byte(`"health":"true"`)) {
		t.Fatalf("etcd.sh printed %s, whose /health says %s", endpoint, body)
	}
}

// Two `serve` processes in one cluster on one database: a change made
// through one is what the other serves at once, from its own snapshot
// (alone, it kept the version it had loaded until a write went through
// it). The nodes run as processes built without the race detector: see
// nodes/internal/testnode.
func TestServeNodesShareAssistantChanges(t *testing.T) {
	bin := switchboardBinary(t)
	c := nodestest.New(t)
	env := nodeEnv(pgtest.DSN(t))
	key := adminKey(t, bin, env, "Nodes")
	var urls [2]string
	for i := range urls {
		urls[i] = startServeNode(t, bin, env, os.Stderr, c, fmt.Sprintf("node-%d", i), "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()).url
	}

	api := func(method, url, body string) map[string]any {
		t.Helper()
		var out map[string]any
		apiJSON(t, method, url, key, body, &out)
		return out
	}
	created := api("POST", urls[0]+"/api/v1/assistants", `{"name":"Front desk"}`)
	one := fmt.Sprintf("/api/v1/assistants/%v", created["id"])
	if v := api("GET", urls[1]+one, "")["version"]; v != 1.0 { // node 1 holds it now
		t.Fatalf("node 1 serves version %v", v)
	}
	api("PATCH", urls[0]+one, `{"description":"changed through node 0"}`)
	testkit.Eventually(t, 30*time.Second, func() error {
		got := api("GET", urls[1]+one, "")
		if got["version"] != 2.0 || got["description"] != "changed through node 0" {
			return fmt.Errorf("node 1 serves version %v, description %v", got["version"], got["description"])
		}
		return nil
	})

	// send makes a request off the test's goroutine: the version answered.
	send := func(method, url, body string) (float64, error) {
		status, b, err := apiCall(method, url, key, body, nil)
		if err != nil {
			return 0, err
		}
		var out struct {
			Version float64 `json:"version"`
		}
		if err := json.Unmarshal(b, &out); err != nil || status != http.StatusOK {
			return 0, fmt.Errorf("%s %s: %d %s %v", method, url, status, b, err)
		}
		return out.Version, nil
	}
	// PATCHes through both nodes at once: each commits on the one before
	// (the assistant's writes run on one node), none is refused or lost,
	// and each node reads its own write.
	const each = 10
	versions := make(chan float64, 2*each)
	failed := make(chan error, 2*each)
	var wg sync.WaitGroup
	for i := range 2 * each {
		node := urls[i%2]
		wg.Go(func() {
			written, err := send("PATCH", node+one, fmt.Sprintf(`{"description":"write %d"}`, i))
			if err != nil {
				failed <- err
				return
			}
			read, err := send("GET", node+one, "")
			if err != nil {
				failed <- err
				return
			}
			if read < written {
				failed <- fmt.Errorf("%s answered version %v, then read %v", node, written, read)
			}
			versions <- written
		})
	}
	wg.Wait()
	close(versions)
	close(failed)
	for err := range failed {
		t.Error(err)
	}
	seen := map[float64]bool{}
	for v := range versions {
		seen[v] = true
	}
	for v := 3.0; v < 3+2*each; v++ {
		if !seen[v] {
			t.Errorf("version %v missing: %v", v, seen)
		}
	}

	// Famulor PUTs and VoiceDock PATCHes through both nodes at once: each
	// view's body crosses to the node the assistant's writes run on and is
	// translated there on the configuration it applies to, so none is
	// refused as a conflict and each takes the next version.
	vendor := func(method, url, body string) error {
		status, answer, err := apiCall(method, url, key, body, nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("%s %s: %d %s", method, url, status, answer)
		}
		return nil
	}
	viewFailed := make(chan error, 4*each)
	for i := range 4 * each {
		node := urls[i%2]
		wg.Go(func() {
			var err error
			if i%4 < 2 {
				err = vendor("PUT", fmt.Sprintf("%s/api/user/assistant/%v", node, created["id"]),
					fmt.Sprintf(`{"system_prompt":"famulor write %d"}`, i))
			} else {
				err = vendor("PATCH", fmt.Sprintf("%s/voicedock/api/v1/assistants/%v", node, created["uuid"]),
					fmt.Sprintf(`{"first_message":"voicedock write %d"}`, i))
			}
			if err != nil {
				viewFailed <- err
			}
		})
	}
	wg.Wait()
	close(viewFailed)
	for err := range viewFailed {
		t.Error(err)
	}
	// each write changed the configuration: one version each, none lost
	last := 2.0 + 2*each + 4*each
	testkit.Eventually(t, 30*time.Second, func() error {
		for i, node := range urls {
			if v := api("GET", node+one, "")["version"]; v != last {
				return fmt.Errorf("node %d reads version %v after the views' writes, want %v", i, v, last)
			}
		}
		return nil
	})
}
