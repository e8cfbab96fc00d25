package api_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/api"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/voice"
)

// otherNode is the cluster's other node, running calls of its own.
type otherNode struct {
	calls []api.LiveCall
}

func (o *otherNode) find(orgID int64, sid string) bool {
	for _, c := range o.calls {
		if c.OrganizationID == orgID && c.ID == sid {
			return true
		}
	}
	return false
}

func (o *otherNode) LiveCalls(orgID int64) []api.LiveCall {
	var out []api.LiveCall
	for _, c := range o.calls {
		if c.OrganizationID == orgID {
			out = append(out, c)
		}
	}
	return out
}

// TerminateCall ends CAREMOTE at once; CASLOW does not end within the wait.
func (o *otherNode) TerminateCall(orgID int64, sid string, _ time.Duration) api.Termination {
	if !o.find(orgID, sid) {
		return api.Termination{}
	}
	if sid == "CASLOW" {
		return api.Termination{Found: true}
	}
	return api.Termination{Found: true, Ended: true, Reason: events.EndTerminated}
}

// WatchCall relays two messages of CAREMOTE, then its end; CASLOW has its
// fill of watchers.
func (o *otherNode) WatchCall(orgID int64, sid string) (api.Feed, error) {
	switch {
	case !o.find(orgID, sid):
		return nil, errors.New("no node runs it")
	case sid == "CASLOW":
		return nil, live.ErrTooManyWatchers
	}
	f := &feed{ch: make(chan []byte, 2)}
	f.ch <- []byte(`{"type":"transcript"}`)
	f.ch <- []byte(`{"type":"call-ended"}`)
	close(f.ch)
	return f, nil
}

func (o *otherNode) OpenRecording(string) (api.RecordingFile, error) {
	return nil, errors.New("no node has it")
}

type feed struct{ ch chan []byte }

func (f *feed) C() <-chan []byte { return f.ch }
func (f *feed) Lagged() bool     { return false }
func (f *feed) Close()           {}

// The calls routes reach the calls of the cluster's other nodes, for
// their organization only.
func TestCallsOnOtherNodes(t *testing.T) {
	other := &otherNode{}
	h := newCallsHarnessWith(t, other)
	started := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	other.calls = []api.LiveCall{
		{CallInfo: voice.CallInfo{ID: "CAREMOTE", OrganizationID: h.orgA, AssistantID: 5, From: "+15551230001", To: "+15550000000",
			Direction: "inbound", Carrier: "twilio"}, Private: true, State: call.State{Started: started, Speaking: "caller", Turns: 2,
			LastLatency: 640 * time.Millisecond}},
		{CallInfo: voice.CallInfo{ID: "CASLOW", OrganizationID: h.orgA, AssistantID: 5, From: "+15551230002", To: "+15550000000",
			Direction: "inbound", Carrier: "twilio"}},
	}

	out := h.must(http.StatusOK, "GET", "/api/v1/calls/live", h.keyA, nil)
	items, _ := out["items"].([]any)
	if len(items) != 2 || out["total"] != 2.0 {
		t.Fatalf("live calls %v", out)
	}
	first := items[0].(map[string]any)
	if first["call_sid"] != "CAREMOTE" || first["from"] == "+15551230001" || first["turns"] != 2.0 ||
		first["last_latency_ms"] != 640.0 || first["speaking"] != "caller" || first["started_at"] != "2026-12-07T09:00:00Z" {
		t.Fatalf("a private call on another node, listed: %v", first)
	}
	if out := h.must(http.StatusOK, "GET", "/api/v1/calls/live", h.keyB, nil); out["total"] != 0.0 {
		t.Fatalf("another organization sees %v", out)
	}

	if out := h.must(http.StatusOK, "POST", "/api/v1/calls/CAREMOTE/terminate", h.keyA, nil); out["status"] != "ended" ||
		out["ended_reason"] != events.EndTerminated || out["call_sid"] != "CAREMOTE" {
		t.Fatalf("terminate: %v", out)
	}
	if out := h.must(http.StatusAccepted, "POST", "/api/v1/calls/CASLOW/terminate", h.keyA, nil); out["status"] != "ending" {
		t.Fatalf("terminate a call slow to end: %v", out)
	}
	h.must(http.StatusNotFound, "POST", "/api/v1/calls/CAREMOTE/terminate", h.keyB, nil)
	h.must(http.StatusNotFound, "POST", "/api/v1/calls/CANONE/terminate", h.keyA, nil)

	ws := "ws" + strings.TrimPrefix(h.base, "http") + "/api/v1/calls/"
	auth := func(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }
	for sid, want := range map[string]int{"CASLOW": http.StatusTooManyRequests, "CANONE": http.StatusNotFound} {
		if _, resp, err := websocket.DefaultDialer.Dial(ws+sid+"/live", auth(h.keyA)); err == nil || resp == nil || resp.StatusCode != want {
			t.Errorf("watch %s: %v, want %d", sid, err, want)
		}
	}
	if _, resp, err := websocket.DefaultDialer.Dial(ws+"CAREMOTE/live", auth(h.keyB)); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organization's watch: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(ws+"CAREMOTE/live", auth(h.keyA))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var got []string
	for {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := conn.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Fatalf("after %q: %v", got, err)
			}
			break
		}
		got = append(got, string(msg))
	}
	if strings.Join(got, ",") != `{"type":"transcript"},{"type":"call-ended"}` {
		t.Fatalf("relayed %q", got)
	}
}
