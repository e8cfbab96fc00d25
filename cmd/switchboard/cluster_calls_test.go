package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/nodes/nodestest"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// A call runs on the node its carrier's media stream reached, and the API
// reaches it from any node. Two `serve` processes in one cluster on one
// database: the carrier (a fake Twilio) reaches node B only, as a load
// balancer may send it, and every API request goes to node A, which runs
// no call: it lists B's live calls, watches one over its websocket,
// terminates it, places an outbound call that B then runs, and serves the
// recording B wrote to its own disk, byte ranges included. The nodes run
// as processes built without the race detector (nodes/internal/testnode
// says why).
func TestClusterCallsReachedFromAnotherNode(t *testing.T) {
	bin := switchboardBinary(t)
	cl := nodestest.New(t)
	dsn := pgtest.DSN(t)
	fk, err := fakes.New(fakes.Options{Key: "fake-key", Script: openaifake.Script{Default: "You said: {user}"}})
	if err != nil {
		t.Fatal(err)
	}
	fakeSrv := httptest.NewServer(fk)
	t.Cleanup(func() { fk.Close(); fakeSrv.Close() })
	addrA, addrB := freeAddr(t), freeAddr(t)
	urlA, urlB := "http://"+addrA, "http://"+addrB
	cloud, err := twiliotest.New(twiliotest.Config{Engine: urlB, Public: urlB})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Close)

	env := nodeEnv(dsn, append(fk.Env(fakeSrv.URL), "SWITCHBOARD_TWILIO_API_URL="+cloud.URL(), "DEEPGRAM_API_KEY=fake-key",
		"OPENAI_API_KEY=fake-key", "ELEVENLABS_API_KEY=fake-key")...)
	key := adminKey(t, bin, env, "Cluster calls")
	dataA, dataB := t.TempDir(), t.TempDir()
	startServeNode(t, bin, env, os.Stderr, cl, "node-a", "--addr", addrA, "--public-url", urlB, "--data-dir", dataA, "--log-level", "warn")
	startServeNode(t, bin, env, os.Stderr, cl, "node-b", "--addr", addrB, "--public-url", urlB, "--data-dir", dataB, "--log-level", "warn")

	api := func(method, url, body string, want int) []byte {
		t.Helper()
		status, resp := apiRequest(t, method, url, key, body, nil)
		if status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, url, status, resp, want)
		}
		return resp
	}
	var assistant struct{ ID int64 }
	decodeJSON(t, api("POST", urlA+"/api/v1/assistants", fmt.Sprintf(`{"name":"Spread",
		"llm_settings":{"welcome_message":"Welcome to the spread line."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},"recording_settings":{"format":"wav"}}`,
		cloud.AccountSID(), cloud.AuthToken()), http.StatusCreated), &assistant)
	api("POST", urlA+"/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":"+15550009001","provider":"twilio","assistant_id":%d}`,
		assistant.ID), http.StatusCreated)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := cloud.Dial(ctx, "+15550001111", "+15550009001")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Phone.WaitHeard(ctx, "Welcome to the spread line."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	runsOn := func(sid string) string {
		t.Helper()
		var node string
		testkit.Eventually(t, 30*time.Second, func() error {
			return conn.QueryRow(t.Context(), `SELECT b.node FROM calls c JOIN engine_boots b ON b.boot_id = c.boot_id
				WHERE c.call_sid = $1`, sid).Scan(&node)
		})
		return node
	}
	if node := runsOn(c.SID); node != "node-b" {
		t.Fatalf("the call runs on %s, want node-b", node)
	}

	// Listed by node A once it sees node B in its cluster.
	live := func(sid string) error {
		var listed struct {
			Items []struct {
				CallSID string `json:"call_sid"`
				From    string `json:"from"`
			} `json:"items"`
		}
		decodeJSON(t, api("GET", urlA+"/api/v1/calls/live", "", http.StatusOK), &listed)
		for _, it := range listed.Items {
			if it.CallSID == sid {
				return nil
			}
		}
		return fmt.Errorf("node A lists %+v, not %s", listed.Items, sid)
	}
	testkit.Eventually(t, 60*time.Second, func() error { return live(c.SID) })

	ws := "ws://" + addrA + "/api/v1/calls/" + c.SID + "/live"
	if _, resp, err := websocket.DefaultDialer.Dial("ws://"+addrA+"/api/v1/calls/CA-nowhere/live",
		http.Header{"Authorization": {"Bearer " + key}}); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("watching a call no node runs: %v", err)
	}
	watch, _, err := websocket.DefaultDialer.Dial(ws, http.Header{"Authorization": {"Bearer " + key}})
	if err != nil {
		t.Fatalf("watch through node A: %v", err)
	}
	defer watch.Close()
	c.Say("hello there")
	type message struct {
		Type string `json:"type"`
		Data struct {
			Speaker string `json:"speaker"`
			Text    string `json:"text"`
			Final   bool   `json:"final"`
			Reason  string `json:"reason"`
		} `json:"data"`
	}
	next := func() message {
		t.Helper()
		var m message
		_ = watch.SetReadDeadline(time.Now().Add(30 * time.Second))
		if err := watch.ReadJSON(&m); err != nil {
			t.Fatalf("watching through node A: %v", err)
		}
		return m
	}
	for {
		if m := next(); m.Type == "transcript" && m.Data.Final && m.Data.Speaker == "assistant" {
			break
		}
	}
	// Without its full stop: on a loaded machine the turn may be taken on the
	// recogniser's unpunctuated interim (the turn core's utterance timeout).
	if err := c.Phone.WaitHeard(ctx, "You said: Hello there"); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}

	if status, body := apiRequest(t, "POST", urlA+"/api/v1/calls/CA-nowhere/terminate", key, "", nil); status != http.StatusNotFound {
		t.Fatalf("terminating a call no node runs: %d %s", status, body)
	}
	status, body := apiRequest(t, "POST", urlA+"/api/v1/calls/"+c.SID+"/terminate", key, "", nil)
	if (status != http.StatusOK || !strings.Contains(string(body), events.EndTerminated)) && status != http.StatusAccepted {
		t.Fatalf("terminate through node A: %d %s", status, body)
	}
	for {
		if m := next(); m.Type == "call-ended" {
			if m.Data.Reason != events.EndTerminated {
				t.Fatalf("the watch saw the call end %q", m.Data.Reason)
			}
			break
		}
	}
	if _, _, err := watch.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("the watch after the call's end: %v", err)
	}

	// The recording is on node B's disk only, and node A serves it.
	var row struct{ ID int64 }
	var files []struct {
		RecordingType string `json:"recording_type"`
		RecordingURL  string `json:"recording_url"`
		FileSize      int64  `json:"file_size"`
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		decodeJSON(t, api("GET", urlA+"/api/v1/calls/sid/"+c.SID, "", http.StatusOK), &row)
		decodeJSON(t, api("GET", fmt.Sprintf("%s/api/v1/calls/%d/recordings", urlA, row.ID), "", http.StatusOK), &files)
		if len(files) != 3 {
			return fmt.Errorf("recordings %+v", files)
		}
		return nil
	})
	if kept := countFilesUnder(t, filepath.Join(dataA, "recordings")); kept != 0 {
		t.Fatalf("node A keeps %d recording files", kept)
	}
	for _, f := range files {
		fromA := api("GET", urlA+f.RecordingURL, "", http.StatusOK)
		fromB := api("GET", urlB+f.RecordingURL, "", http.StatusOK)
		if !bytes.Equal(fromA, fromB) || int64(len(fromA)) != f.FileSize || !bytes.HasPrefix(fromA, []byte("RIFF")) {
			t.Fatalf("%s recording through node A: %d bytes, through node B %d, listed %d", f.RecordingType, len(fromA), len(fromB), f.FileSize)
		}
	}
	status, part := apiRequest(t, "GET", urlA+files[0].RecordingURL, key, "", http.Header{"Range": {"bytes=8-11"}})
	if status != http.StatusPartialContent || string(part) != "WAVE" {
		t.Fatalf("a byte range through node A: %d %q", status, part)
	}

	// Placed through node A, answered on node B, ended through node A.
	var placed struct {
		CallSID string `json:"call_sid"`
	}
	decodeJSON(t, api("POST", urlA+"/api/v1/calls/outbound", fmt.Sprintf(`{"assistant_id":%d,"to":"+15550002222","from":"+15550009001"}`,
		assistant.ID), http.StatusCreated), &placed)
	var p *twiliotest.Call
	select {
	case p = <-cloud.Placed():
	case <-ctx.Done():
		t.Fatal("Twilio was not asked to place the call")
	}
	if err := p.Phone.WaitHeard(ctx, "Welcome to the spread line."); err != nil {
		t.Fatalf("the called party heard %q: %v", p.Phone.Transcript(), err)
	}
	if p.SID != placed.CallSID {
		t.Fatalf("placed %s, the API answered %s", p.SID, placed.CallSID)
	}
	if node := runsOn(p.SID); node != "node-b" {
		t.Fatalf("the placed call runs on %s, want node-b", node)
	}
	testkit.Eventually(t, 30*time.Second, func() error { return live(p.SID) })
	status, body = apiRequest(t, "POST", urlA+"/api/v1/calls/"+p.SID+"/terminate", key, "", nil)
	if (status != http.StatusOK || !strings.Contains(string(body), events.EndTerminated)) && status != http.StatusAccepted {
		t.Fatalf("terminate the placed call through node A: %d %s", status, body)
	}
	var ended struct {
		EndedReason string `json:"ended_reason"`
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		decodeJSON(t, api("GET", urlA+"/api/v1/calls/sid/"+p.SID, "", http.StatusOK), &ended)
		if ended.EndedReason != events.EndTerminated {
			return fmt.Errorf("the placed call ended %q", ended.EndedReason)
		}
		return nil
	})
}

// countFilesUnder counts the regular files under dir (none if it is missing).
func countFilesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}
