package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/openapi"

	"github.com/switchboard-voice/switchboard/actors/call/calltest"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/api"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// fakeDialer places calls in memory.
type fakeDialer struct {
	mu    sync.Mutex
	calls []api.OutboundCall
	err   error
}

func (d *fakeDialer) Dial(_ context.Context, c api.OutboundCall) (api.Dialed, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return api.Dialed{}, d.err
	}
	d.calls = append(d.calls, c)
	return api.Dialed{CallSID: fmt.Sprintf("CAOUT%d", len(d.calls)), Carrier: "telnyx"}, nil
}

// callsHarness is the API with the calls routes over a real call manager
// (scripted providers), the records writer and a fake dialer.
type callsHarness struct {
	*harness
	orgA, orgB int64
	writer     *records.Writer
	mgr        *call.Manager
	dialer     *fakeDialer
}

func newCallsHarness(t *testing.T) *callsHarness {
	t.Helper()
	return newCallsHarnessWith(t, nil)
}

// newCallsHarnessWith is newCallsHarness in a cluster whose other nodes
// are others.
func newCallsHarnessWith(t *testing.T, others api.OtherNodes) *callsHarness {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	store := persistence.NewStore(pool)
	box, err := secrets.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	sys := actors.NewSystem(log)
	reg := assistants.NewRegistry(sys, store, box)
	w, err := records.New(records.Options{Store: store, SpillPath: filepath.Join(t.TempDir(), "spill.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	mgr := call.NewManager(call.Deps{System: sys, Assistants: reg, Sinks: []events.Sink{w}, Log: log,
		Providers: calltest.Providers{STT: &voicetest.STT{Recognize: true}, TTS: &voicetest.TTS{}, Model: &voicetest.LLM{}}})
	t.Cleanup(mgr.Close)
	dialer := &fakeDialer{}
	app := server.New(server.Options{Log: log})
	spec := openapi.New(api.Info)
	routes := spec.Router(app)
	deps := api.Deps{Log: log, Assistants: reg, Store: store, Authenticator: auth.NewAuthenticator(store),
		Calls: store, LiveCalls: mgr, Dialer: dialer, Placed: w, Stats: store}
	if others != nil {
		deps.Nodes, deps.Watchers = others, live.NewHub()
	}
	api.New(deps).Mount(routes)
	spec.Serve(routes)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(time.Second)
		mgr.Drain(events.EndShutdown, "", 0)
		for _, c := range mgr.Live() {
			<-c.Done()
		}
		mgr.Wait()
		_ = w.Close(context.Background())
		sys.Shutdown()
	})
	h := &harness{t: t, app: app, base: "http://" + ln.Addr().String(), pool: pool, store: store}
	h.keyA = h.newKey(ctx, "Org A", "a@a.test")
	h.keyB = h.newKey(ctx, "Org B", "b@b.test")
	ch := &callsHarness{harness: h, writer: w, mgr: mgr, dialer: dialer}
	for _, o := range []struct {
		name string
		id   *int64
	}{{"Org A", &ch.orgA}, {"Org B", &ch.orgB}} {
		org, err := store.EnsureOrganization(ctx, o.name)
		if err != nil {
			t.Fatal(err)
		}
		*o.id = org.ID
	}
	return ch
}

// assistant creates an assistant with key and returns its id.
func (h *callsHarness) assistant(key string, body map[string]any) int64 {
	h.t.Helper()
	out := h.must(http.StatusCreated, "POST", "/api/v1/assistants", key, body)
	return int64(out["id"].(float64))
}

// record publishes a whole call to the writer.
func (h *callsHarness) record(sid string, org, asst int64, from string, at time.Time, reason, webhook string) {
	started := events.CallStarted{OrganizationID: org, AssistantID: asst, ConfigVersion: 1, From: from, To: "+15550000000",
		Direction: "inbound", Carrier: "twilio", Webhook: assistant.CallWebhook{URL: webhook, Format: "switchboard", Reports: "answered", Recording: true}}
	evs := []events.Event{started,
		events.Transcript{Speaker: events.Caller, Text: "hello", Final: true, Confidence: 0.9, Start: time.Second, End: 2 * time.Second},
		events.Interruption{Turn: 1, Stage: events.InterruptionConfirmed, Reason: "speech"},
		events.Transcript{Speaker: events.Assistant, Text: "hi there", Final: true, Start: 2 * time.Second, End: 3 * time.Second},
		events.History{Messages: []voice.Message{{Role: voice.RoleSystem, Content: "sys"}, {Role: voice.RoleUser, Content: "hello"},
			{Role: voice.RoleAssistant, Content: "hi there"}}},
	}
	if reason != "" {
		evs = append(evs, events.CallEnded{Reason: reason, Duration: 61400 * time.Millisecond})
	}
	for _, e := range evs {
		h.writer.Publish(sid, at, e)
	}
}

func (h *callsHarness) flush() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.writer.Flush(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// listWith returns the call SIDs of a listing and its total.
func (h *callsHarness) listWith(key, query string) ([]string, int) {
	h.t.Helper()
	out := h.must(http.StatusOK, "GET", "/api/v1/calls?"+query, key, nil)
	var sids []string
	for _, it := range out["items"].([]any) {
		sids = append(sids, it.(map[string]any)["call_sid"].(string))
	}
	return sids, int(out["total"].(float64))
}

func TestCallsRecordRoutes(t *testing.T) {
	h := newCallsHarness(t)
	x := h.assistant(h.keyA, map[string]any{"name": "X"})
	y := h.assistant(h.keyA, map[string]any{"name": "Y"})
	z := h.assistant(h.keyB, map[string]any{"name": "Z"})
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	h.record("CA1", h.orgA, x, "+15551110001", day, events.EndCallerHungUp, "")
	h.record("CA2", h.orgA, y, "+15551110002", day.Add(24*time.Hour), "", "")
	h.record("CA3", h.orgA, x, "+15551110002", day.Add(25*time.Hour), events.EndError, "")
	h.record("CB1", h.orgB, z, "+15551110001", day, events.EndCallerHungUp, "")
	h.flush()

	for _, c := range []struct {
		query string
		want  []string
		total int
	}{
		{"", []string{"CA3", "CA2", "CA1"}, 3},
		{"status=completed", []string{"CA3", "CA1"}, 2},
		{"status=in-progress", []string{"CA2"}, 1},
		{fmt.Sprint("assistant_id=", x), []string{"CA3", "CA1"}, 2},
		{"customer_phone=%2B15551110002", []string{"CA3", "CA2"}, 2},
		{"date_from=2026-11-21", []string{"CA3", "CA2"}, 2},
		{"date_to=2026-11-20", []string{"CA1"}, 1},
		{"date_from=2026-11-21T10:30:00Z&date_to=2026-11-21T12:00:00%2B01:00", []string{"CA3"}, 1},
		{"date_from=2026-11-21T10:00:00", []string{"CA3", "CA2"}, 2},
		{"skip=1&limit=1", []string{"CA2"}, 3},
		{fmt.Sprint("assistant_id=", z), nil, 0},
	} {
		if sids, total := h.listWith(h.keyA, c.query); !slices.Equal(sids, c.want) || total != c.total {
			t.Errorf("?%s: %v (total %d), want %v (%d)", c.query, sids, total, c.want, c.total)
		}
	}
	// The responses are as documented.
	doc := h.openAPI()
	var ca1 string
	for _, it := range h.must(http.StatusOK, "GET", "/api/v1/calls?customer_phone=%2B15551110001", h.keyA, nil)["items"].([]any) {
		ca1 = fmt.Sprint(it.(map[string]any)["id"])
	}
	for path, op := range map[string]string{
		"/api/v1/calls?status=completed":         "/api/v1/calls",
		"/api/v1/calls/sid/CA1":                  "/api/v1/calls/sid/{call_sid}",
		"/api/v1/calls/" + ca1:                   "/api/v1/calls/{call_id}",
		"/api/v1/calls/" + ca1 + "/transcripts":  "/api/v1/calls/{call_id}/transcripts",
		"/api/v1/calls/" + ca1 + "/messages":     "/api/v1/calls/{call_id}/messages",
		"/api/v1/calls/" + ca1 + "/events":       "/api/v1/calls/{call_id}/events",
		"/api/v1/calls/" + ca1 + "/webhook-logs": "/api/v1/calls/{call_id}/webhook-logs",
		"/api/v1/calls/" + ca1 + "/analysis":     "/api/v1/calls/{call_id}/analysis",
		"/api/v1/calls/live":                     "/api/v1/calls/live",
	} {
		h.checkExchange(doc, h.keyA, exchange{method: "GET", path: path, op: op, status: http.StatusOK})
	}

	// The assistants show their calls: X had two, one a success, 61 s each.
	for _, path := range []string{fmt.Sprint("/api/v1/assistants/", x), "/api/v1/assistants?search=X"} {
		out := h.must(http.StatusOK, "GET", path, h.keyA, nil)
		if items, ok := out["items"].([]any); ok {
			out = items[0].(map[string]any)
		}
		if out["total_calls"] != 2.0 || out["avg_call_duration"] != 61.0 || out["success_rate"] != 50.0 || out["name"] != "X" {
			t.Errorf("%s: statistics %v %v %v", path, out["total_calls"], out["avg_call_duration"], out["success_rate"])
		}
	}
	for _, q := range []string{"status=ongoing", "assistant_id=abc", "assistant_id=-1", "date_from=yesterday",
		"date_to=2026-13-01", "date_from=2026-11-21&date_to=2026-11-20", "limit=0", "skip=-1"} {
		status, out := h.call("GET", "/api/v1/calls?"+q, h.keyA, nil)
		detail, _ := out["detail"].([]any)
		if status != http.StatusUnprocessableEntity || len(detail) != 1 || get(detail[0], "type") != "value_error" {
			t.Errorf("?%s: %d %v", q, status, out)
		}
	}

	_, list := h.call("GET", "/api/v1/calls?limit=1", h.keyA, nil)
	id := int64(get(list, "items").([]any)[0].(map[string]any)["id"].(float64))
	one := h.must(http.StatusOK, "GET", fmt.Sprint("/api/v1/calls/", id), h.keyA, nil)
	if one["call_sid"] != "CA3" || one["assistant_name"] != "X" || one["status"] != "completed" || one["duration"] != 61.0 ||
		one["ended_reason"] != events.EndError || one["customer_phone_number"] != "+15551110002" ||
		one["to_phone_number"] != "+15550000000" || get(one, "call_meta", "direction") != "inbound" || one["config_version"] != 1.0 {
		t.Fatalf("call %v", one)
	}
	if by := h.must(http.StatusOK, "GET", "/api/v1/calls/sid/CA3", h.keyA, nil); by["id"] != one["id"] {
		t.Fatalf("by SID %v", by)
	}
	// The assistants analyse their calls (the defaults: a summary); no
	// worker runs here, so the analysis waits.
	an := h.must(http.StatusOK, "GET", fmt.Sprint("/api/v1/calls/", id, "/analysis"), h.keyA, nil)
	if an["status"] != "pending" || an["summary"] != nil || an["structured_data"] != nil || an["attempts"] != 0.0 ||
		get(one, "analysis", "status") != "pending" {
		t.Fatalf("analysis %v, in the call %v", an, one["analysis"])
	}
	live := h.must(http.StatusOK, "GET", "/api/v1/calls/sid/CA2", h.keyA, nil)
	if live["analysis"] != nil {
		t.Fatalf("a live call's analysis %v", live["analysis"])
	}
	for key, path := range map[string]string{h.keyA: fmt.Sprint("/api/v1/calls/", live["id"], "/analysis"),
		h.keyB: fmt.Sprint("/api/v1/calls/", id, "/analysis")} {
		if status, out := h.call("GET", path, key, nil); status != http.StatusNotFound {
			t.Errorf("%s: %d %v", path, status, out)
		}
	}
	ts := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/transcripts"), h.keyA)
	if len(ts) != 2 || ts[0]["speaker"] != "user" || ts[0]["content"] != "hello" || ts[0]["confidence"] != 0.9 ||
		ts[0]["segment_start"] != 1.0 || ts[1]["confidence"] != nil || ts[0]["is_final"] != true {
		t.Fatalf("transcripts %v", ts)
	}
	if ts := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/transcripts?speaker=assistant"), h.keyA); len(ts) != 1 || ts[0]["content"] != "hi there" {
		t.Fatalf("assistant transcripts %v", ts)
	}
	msgs := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/messages"), h.keyA)
	if len(msgs) != 3 || msgs[0]["role"] != "system" || msgs[2]["message_index"] != 2.0 || msgs[2]["tool_calls"] != nil {
		t.Fatalf("messages %v", msgs)
	}
	evs := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/events?kind=interruption"), h.keyA)
	if len(evs) != 1 || get(evs[0], "data", "stage") != events.InterruptionConfirmed || evs[0]["seq"] != 3.0 {
		t.Fatalf("events %v", evs)
	}
	if all := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/events"), h.keyA); len(all) != 1 {
		t.Fatalf("all events %v", all)
	}
	if logs := h.rawList(fmt.Sprint("/api/v1/calls/", id, "/webhook-logs"), h.keyA); len(logs) != 0 {
		t.Fatalf("webhook logs %v", logs)
	}

	// Another organization's call is not found, by any route.
	b, _ := h.store.GetCallBySID(context.Background(), h.orgB, "CB1")
	for _, p := range []string{"", "/transcripts", "/messages", "/events", "/webhook-logs"} {
		if status, _ := h.call("GET", fmt.Sprint("/api/v1/calls/", b.ID, p), h.keyA, nil); status != http.StatusNotFound {
			t.Errorf("another organization's call%s: %d", p, status)
		}
	}
	for _, p := range []string{"/api/v1/calls/sid/CB1", "/api/v1/calls/999999", "/api/v1/calls/sid/nope"} {
		if status, _ := h.call("GET", p, h.keyA, nil); status != http.StatusNotFound {
			t.Errorf("%s: %d", p, status)
		}
	}
	for _, p := range []string{"/api/v1/calls/abc", fmt.Sprint("/api/v1/calls/", id, "/transcripts?speaker=bot"),
		fmt.Sprint("/api/v1/calls/", id, "/webhook-logs?webhook_type=x")} {
		if status, _ := h.call("GET", p, h.keyA, nil); status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", p, status)
		}
	}
	if status, _ := h.call("GET", "/api/v1/calls", "", nil); status != http.StatusUnauthorized {
		t.Errorf("without a key: %d", status)
	}
	if sids, _ := h.listWith(h.keyB, ""); !slices.Equal(sids, []string{"CB1"}) {
		t.Errorf("organization B lists %v", sids)
	}
}

// rawList GETs a JSON array.
func (h *callsHarness) rawList(path, key string) []map[string]any {
	h.t.Helper()
	status, raw := h.raw("GET", path, key, nil)
	var out []map[string]any
	if status != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		h.t.Fatalf("GET %s: %d %s", path, status, raw)
	}
	return out
}

type orgSecret struct{}

func (orgSecret) WebhookSecret(context.Context, int64) (string, error) { return "whsec", nil }

// Webhook attempts are listed per call, each with its outcome.
func TestCallWebhookLogs(t *testing.T) {
	h := newCallsHarness(t)
	var n int
	var mu sync.Mutex
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)
	// no analysis for the report to wait for
	x := h.assistant(h.keyA, map[string]any{"name": "X", "analysis_settings": map[string]any{"summary": map[string]any{"enabled": false}}})
	h.record("CA1", h.orgA, x, "+15551110001", time.Now(), events.EndCallerHungUp, recv.URL)
	h.flush()
	d := webhooks.New(webhooks.Options{Store: h.store, Secrets: orgSecret{}, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond})
	c, _ := h.store.GetCallBySID(context.Background(), h.orgA, "CA1")
	path := fmt.Sprint("/api/v1/calls/", c.ID, "/webhook-logs")
	deadline := time.Now().Add(30 * time.Second)
	for len(h.rawList(path, h.keyA)) < 4 && time.Now().Before(deadline) {
		if _, err := d.DispatchDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	logs := h.rawList(path, h.keyA)
	if len(logs) != 4 || logs[0]["success"] != false || logs[0]["response_status_code"] != 503.0 || logs[0]["retry_count"] != 0.0 ||
		logs[1]["success"] != true || logs[1]["retry_count"] != 1.0 || logs[1]["webhook_type"] != "status-update" ||
		get(logs[1], "request_payload", "message", "status") != "in-progress" || logs[3]["webhook_type"] != "end-of-call-report" ||
		get(logs[1], "request_headers", webhooks.SignatureHeader) == nil || logs[0]["webhook_url"] != recv.URL {
		t.Fatalf("logs %v", logs)
	}
	if only := h.rawList(path+"?webhook_type=end-of-call-report", h.keyA); len(only) != 1 {
		t.Fatalf("filtered %v", only)
	}
	if status, _ := h.call("GET", path, h.keyB, nil); status != http.StatusNotFound {
		t.Fatalf("another organization: %d", status)
	}
}

// A live call is terminated through its actor, and only by its organization.
func TestTerminateLiveCall(t *testing.T) {
	h := newCallsHarness(t)
	x := h.assistant(h.keyA, map[string]any{"name": "X"})
	line := &voicetest.Carrier{}
	ready := make(chan struct{})
	var live *call.Call
	line.OnMark = func(name string) { <-ready; live.Mark(name) }
	live, err := h.mgr.Start(context.Background(), call.Spec{Line: line, CallInfo: voice.CallInfo{ID: "CALIVE", OrganizationID: h.orgA,
		AssistantID: x, From: "+15551110001", To: "+15550000000", Direction: "inbound", Carrier: "twilio"}})
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	if status, _ := h.call("POST", "/api/v1/calls/CALIVE/terminate", h.keyB, nil); status != http.StatusNotFound {
		t.Fatalf("another organization terminated it: %d", status)
	}
	if status, _ := h.call("POST", "/api/v1/calls/CANONE/terminate", h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("unknown call: %d", status)
	}
	out := h.checkExchange(h.openAPI(), h.keyA, exchange{method: "POST", path: "/api/v1/calls/CALIVE/terminate",
		op: "/api/v1/calls/{call_sid}/terminate", status: http.StatusOK})
	if out["status"] != "ended" || out["ended_reason"] != events.EndTerminated {
		t.Fatalf("terminate: %v", out)
	}
	<-live.Done()
	h.mgr.Wait()
	if !line.HungUp() {
		t.Fatal("the carrier was not told to hang up")
	}
	h.flush()
	rec := h.must(http.StatusOK, "GET", "/api/v1/calls/sid/CALIVE", h.keyA, nil)
	if rec["ended_reason"] != events.EndTerminated || rec["status"] != "completed" {
		t.Fatalf("record %v", rec)
	}
	if status, _ := h.call("POST", "/api/v1/calls/CALIVE/terminate", h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("an ended call: %d", status)
	}
}

func TestOutboundCall(t *testing.T) {
	h := newCallsHarness(t)
	x := h.assistant(h.keyA, map[string]any{"name": "X", "webhook_url": "https://hooks.test/x"})
	off := h.assistant(h.keyA, map[string]any{"name": "Off", "is_active": false})
	inbound := h.assistant(h.keyA, map[string]any{"name": "In", "call_flow_settings": map[string]any{"direction": "inbound"}})
	z := h.assistant(h.keyB, map[string]any{"name": "Z"})

	bad := []struct {
		body any
		locs []string
	}{
		{`[1]`, []string{""}},
		{`nope`, []string{""}},
		{map[string]any{}, []string{"assistant_id", "to", "from"}},
		{map[string]any{"assistant_id": x, "to": "5551234", "from": "+15550000000", "extra": 1}, []string{"extra", "to"}},
		{map[string]any{"assistant_id": "x", "to": "+15551234567", "from": "+15550000000"}, []string{"assistant_id"}},
		{map[string]any{"assistant_id": 0, "to": "+15551234567", "from": "+0"}, []string{"assistant_id", "from"}},
		{map[string]any{"assistant_id": off, "to": "+15551234567", "from": "+15550000000"}, []string{"assistant_id"}},
		{map[string]any{"assistant_id": inbound, "to": "+15551234567", "from": "+15550000000"}, []string{"assistant_id"}},
	}
	for _, c := range bad {
		status, out := h.call("POST", "/api/v1/calls/outbound", h.keyA, c.body)
		var locs []string
		for _, d := range get(out, "detail").([]any) {
			loc := d.(map[string]any)["loc"].([]any)
			s := ""
			if len(loc) > 1 {
				s = loc[1].(string)
			}
			locs = append(locs, s)
		}
		if status != http.StatusUnprocessableEntity || !slices.Equal(locs, c.locs) {
			t.Errorf("%v: %d %v", c.body, status, out)
		}
	}
	body := map[string]any{"assistant_id": z, "to": "+15551234567", "from": "+15550000000"}
	if status, _ := h.call("POST", "/api/v1/calls/outbound", h.keyA, body); status != http.StatusNotFound {
		t.Fatalf("another organization's assistant: %d", status)
	}
	body["assistant_id"] = x
	h.dialer.err = api.ErrUnknownNumber
	if status, out := h.call("POST", "/api/v1/calls/outbound", h.keyA, body); status != http.StatusUnprocessableEntity ||
		get(out["detail"].([]any)[0], "loc").([]any)[1] != "from" {
		t.Fatalf("unknown from number: %d %v", status, out)
	}
	h.dialer.err = errors.New("carrier down")
	if status, _ := h.call("POST", "/api/v1/calls/outbound", h.keyA, body); status != http.StatusBadGateway {
		t.Fatalf("carrier failure: %d", status)
	}
	h.dialer.err = nil
	out := h.checkExchange(h.openAPI(), h.keyA, exchange{method: "POST", path: "/api/v1/calls/outbound", op: "/api/v1/calls/outbound",
		body: body, status: http.StatusCreated})
	if out["call_sid"] != "CAOUT1" || out["status"] != "queued" || len(h.dialer.calls) != 1 ||
		!reflect.DeepEqual(h.dialer.calls[0], api.OutboundCall{OrganizationID: h.orgA, AssistantID: x, From: "+15550000000", To: "+15551234567"}) {
		t.Fatalf("placed %v, dialed %+v", out, h.dialer.calls)
	}
	if err := h.writer.RecordStatus(context.Background(), "telnyx", "CAOUT1", persistence.StatusRinging, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.flush()
	rec := h.must(http.StatusOK, "GET", "/api/v1/calls/sid/CAOUT1", h.keyA, nil)
	if rec["status"] != "ringing" || rec["customer_phone_number"] != "+15551234567" || rec["to_phone_number"] != "+15550000000" ||
		get(rec, "call_meta", "direction") != "outbound" || get(rec, "call_meta", "carrier") != "telnyx" || rec["started_at"] != nil {
		t.Fatalf("record %v", rec)
	}
	var hook string
	_ = h.pool.QueryRow(context.Background(), `SELECT webhook_url FROM webhook_outbox WHERE dedup_key = 'ringing'`).Scan(&hook)
	if hook != "https://hooks.test/x" {
		t.Fatalf("ringing status update to %q", hook)
	}
}
