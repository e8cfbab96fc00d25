package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// insertCalls adds calls to an organization; each spec is
// "sid status created_at duration_ms|- reason|-".
func (h *harness) insertCalls(org string, assistant any, specs ...string) {
	h.t.Helper()
	for _, s := range specs {
		f := strings.Fields(s)
		var duration, reason any
		if f[3] != "-" {
			duration = f[3]
		}
		if f[4] != "-" {
			reason = f[4]
		}
		_, err := h.pool.Exec(context.Background(), `
			INSERT INTO calls (call_sid, organization_id, assistant_id, carrier, direction, from_number, to_number, status,
				created_at, duration_ms, ended_reason, updated_at)
			SELECT $1, o.id, $2, 'twilio', 'inbound', '+15551110001', '+15550000000', $3, $4, $5::bigint, $6, $4
			FROM organizations o WHERE o.name = $7`, f[0], assistant, f[1], f[2], duration, reason, org)
		if err != nil {
			h.t.Fatal(err)
		}
	}
}

func TestCallCountStatsAnalytics(t *testing.T) {
	h := newHarness(t)
	x := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"X"}`)["id"]
	y := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Y"}`)["id"]
	h.insertCalls("Org A", x,
		"CA1 completed 2026-11-20T10:00:00Z 60000 customer-ended-call",
		"CA2 completed 2026-11-20T10:10:00Z 120000 assistant-ended-call",
		"CA3 no-answer 2026-11-20T10:20:00Z - -",
		"CA4 in-progress 2026-11-20T11:30:00Z - -")
	h.insertCalls("Org A", y, "CA5 completed 2026-11-21T09:00:00Z 30000 customer-ended-call")
	h.insertCalls("Org B", nil, "CB1 completed 2026-11-20T10:00:00Z 999000 customer-ended-call")

	for q, want := range map[string]float64{"": 5, "?status=completed": 3, fmt.Sprintf("?assistant_id=%v", y): 1,
		"?date_from=2026-11-21": 1, "?date_to=2026-11-20": 4} {
		if got := h.must(http.StatusOK, "GET", "/api/v1/calls/count"+q, h.keyA, nil); got["count"] != want {
			t.Errorf("count%s = %v, want %v", q, got, want)
		}
	}
	if got := h.must(http.StatusOK, "GET", "/api/v1/calls/count", h.keyB, nil); got["count"] != float64(1) {
		t.Errorf("org B count %v", got)
	}

	st := h.must(http.StatusOK, "GET", "/api/v1/calls/stats?date_from=2026-11-20&date_to=2026-11-20", h.keyA, nil)
	if st["total_calls"] != float64(4) || get(st, "by_status", "completed") != float64(2) || get(st, "by_status", "no-answer") != float64(1) ||
		st["completion_rate"] != 0.6667 || st["total_minutes"] != float64(3) || st["avg_duration_seconds"] != float64(90) ||
		get(st, "ended_reasons", "customer-ended-call") != float64(1) {
		t.Errorf("stats %v", st)
	}
	if st := h.must(http.StatusOK, "GET", "/api/v1/calls/stats?date_from=2030-01-01", h.keyA, nil); st["total_calls"] != float64(0) ||
		st["completion_rate"] != nil || st["avg_duration_seconds"] != nil {
		t.Errorf("stats of no calls %v", st)
	}

	an := h.must(http.StatusOK, "GET", "/api/v1/calls/analytics?interval=hour&date_from=2026-11-20T09:00:00Z&date_to=2026-11-20T12:00:00Z", h.keyA, nil)
	periods := an["periods"].([]any)
	if len(periods) != 4 {
		t.Fatalf("hourly analytics %v", an)
	}
	ten := periods[1].(map[string]any)
	if ten["start"] != "2026-11-20T10:00:00Z" || ten["calls"] != float64(3) || ten["completed"] != float64(2) || ten["failed"] != float64(1) ||
		ten["minutes"] != float64(3) || ten["avg_duration_seconds"] != float64(90) || periods[0].(map[string]any)["calls"] != float64(0) {
		t.Errorf("10:00 %v", ten)
	}
	if ten["turns"] != nil {
		t.Errorf("turns without turns=true: %v", ten)
	}

	// Turns: latency percentiles from the stage timings, confirmed interruptions.
	if _, err := h.pool.Exec(context.Background(), `
		INSERT INTO call_events (call_id, seq, kind, data, created_at)
		SELECT c.id, v.seq, v.kind, v.data::jsonb, c.created_at FROM calls c JOIN (VALUES
			('CA1', 10, 'stage-timings', '{"turn":1,"first_frame_out_ms":400}'),
			('CA1', 11, 'interruption', '{"turn":1,"stage":"tentative"}'),
			('CA1', 12, 'interruption', '{"turn":1,"stage":"confirmed"}'),
			('CA1', 13, 'stage-timings', '{"turn":2,"first_frame_out_ms":800}'),
			('CA2', 10, 'stage-timings', '{"turn":1,"first_frame_out_ms":600}'),
			('CA2', 11, 'backchannel', '{"phrase":"mm"}')) v(sid, seq, kind, data) ON v.sid = c.call_sid`); err != nil {
		t.Fatal(err)
	}
	an = h.must(http.StatusOK, "GET", "/api/v1/calls/analytics?interval=hour&turns=true&date_from=2026-11-20T10:00:00Z&date_to=2026-11-20T11:59:59Z", h.keyA, nil)
	periods = an["periods"].([]any)
	if tu := get(periods[0], "turns"); get(tu, "count") != float64(3) || get(tu, "latency_p50_ms") != float64(600) ||
		get(tu, "latency_p95_ms") != float64(780) || get(tu, "interruptions") != float64(1) {
		t.Errorf("10:00 turns %v", tu)
	}
	if tu := get(periods[1], "turns"); get(tu, "count") != float64(0) || get(tu, "latency_p50_ms") != nil {
		t.Errorf("11:00 turns %v", tu)
	}
	if status, out := h.call("GET", "/api/v1/calls/analytics?turns=maybe", h.keyA, nil); status != http.StatusUnprocessableEntity || loc(out) != "query.turns" {
		t.Errorf("turns=maybe: %d %v", status, out)
	}

	an = h.must(http.StatusOK, "GET", "/api/v1/calls/analytics?date_from=2026-11-20&date_to=2026-11-21", h.keyA, nil)
	if p := an["periods"].([]any); an["interval"] != "day" || len(p) != 2 || p[1].(map[string]any)["calls"] != float64(1) {
		t.Errorf("daily analytics %v", an)
	}
	if an := h.must(http.StatusOK, "GET", "/api/v1/calls/analytics", h.keyA, nil); len(an["periods"].([]any)) != 31 {
		t.Errorf("default window %d periods", len(an["periods"].([]any)))
	}

	for _, tc := range []struct{ path, loc string }{
		{"/api/v1/calls/analytics?interval=week", "query.interval"},
		{"/api/v1/calls/analytics?interval=hour&date_from=2026-01-01&date_to=2026-03-01", "query.date_from"},
		{"/api/v1/calls/analytics?date_from=2020-01-01&date_to=2026-01-01", "query.date_from"},
		{"/api/v1/calls/stats?date_from=yesterday", "query.date_from"},
		{"/api/v1/calls/stats?date_from=2026-02-01&date_to=2026-01-01", "query.date_to"},
		{"/api/v1/calls/count?status=lost", "query.status"},
		{"/api/v1/calls/count?assistant_id=-3", "query.assistant_id"},
		{"/api/v1/calls/export?format=xlsx", "query.format"},
	} {
		if status, out := h.call("GET", tc.path, h.keyA, nil); status != http.StatusUnprocessableEntity || loc(out) != tc.loc {
			t.Errorf("%s: %d %v", tc.path, status, out)
		}
	}
	for _, p := range []string{"count", "stats", "analytics", "export"} {
		if status, _ := h.call("GET", "/api/v1/calls/"+p, "", nil); status != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d", p, status)
		}
	}
}

func TestCallExport(t *testing.T) {
	h := newHarness(t)
	h.insertCalls("Org A", nil,
		"CA1 completed 2026-11-20T10:00:00Z 61400 customer-ended-call",
		"CA2 no-answer 2026-11-20T11:00:00Z - -")
	h.insertCalls("Org B", nil, "CB1 completed 2026-11-20T10:00:00Z 1000 customer-ended-call")

	status, raw := h.raw("GET", "/api/v1/calls/export", h.keyA, nil)
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if status != http.StatusOK || err != nil || len(rows) != 3 {
		t.Fatalf("CSV export %d %v:\n%s", status, err, raw)
	}
	if rows[1][1] != "CA2" || rows[2][1] != "CA1" || rows[2][8] != "+15551110001" || rows[2][11] != "61.400" || rows[1][11] != "" {
		t.Errorf("CSV rows %q", rows)
	}

	// More calls than a page, several at the same instant: each exactly once.
	if _, err := h.pool.Exec(context.Background(), `
		INSERT INTO calls (call_sid, organization_id, carrier, direction, from_number, to_number, status, created_at, updated_at)
		SELECT 'BULK' || g, o.id, 'twilio', 'outbound', '+1', '+2', 'completed', '2026-11-19T00:00:00Z', now()
		FROM organizations o, generate_series(1, 1234) g WHERE o.name = 'Org A'`); err != nil {
		t.Fatal(err)
	}
	status, raw = h.raw("GET", "/api/v1/calls/export?format=json&status=completed", h.keyA, nil)
	var items []map[string]any
	if err := json.Unmarshal(raw, &items); status != http.StatusOK || err != nil {
		t.Fatalf("JSON export %d %v", status, err)
	}
	seen := map[string]bool{}
	for _, it := range items {
		sid := it["call_sid"].(string)
		if seen[sid] || sid == "CB1" || it["status"] != "completed" {
			t.Fatalf("export item %v (seen %v)", it, seen[sid])
		}
		seen[sid] = true
	}
	if len(items) != 1235 || items[0]["call_sid"] != "CA1" {
		t.Fatalf("JSON export has %d items, first %v", len(items), items[0]["call_sid"])
	}
	status, raw = h.raw("GET", "/api/v1/calls/export?format=json", h.keyB, nil)
	if status != http.StatusOK || strings.Count(string(raw), `"call_sid"`) != 1 {
		t.Errorf("org B's export: %s", raw)
	}
	status, raw = h.raw("GET", "/api/v1/calls/export?format=json&date_from=2030-01-01", h.keyB, nil)
	if status != http.StatusOK || string(raw) != "[]" {
		t.Errorf("an empty export: %d %q", status, raw)
	}
}

func TestTranscriptExport(t *testing.T) {
	h := newHarness(t)
	h.insertCalls("Org A", nil, "CA1 completed 2026-11-20T10:00:00Z 61400 customer-ended-call")
	var id int64
	if err := h.pool.QueryRow(context.Background(), `SELECT id FROM calls WHERE call_sid = 'CA1'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(context.Background(), `
		INSERT INTO transcripts (call_id, seq, speaker, content, segment_start, segment_end, confidence, created_at) VALUES
		($1, 1, 'user', 'Hello, =cmd', 0.5, 1.25, 0.9, '2026-11-20T10:00:01Z'),
		($1, 2, 'assistant', 'Hi, how can I help?', 1.5, 3, NULL, '2026-11-20T10:00:03Z')`, id); err != nil {
		t.Fatal(err)
	}
	p := fmt.Sprintf("/api/v1/calls/%d/transcripts/export", id)
	status, raw := h.raw("GET", p, h.keyA, nil)
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if status != http.StatusOK || err != nil || len(rows) != 3 || rows[1][2] != "user" || rows[1][3] != "Hello, =cmd" ||
		rows[1][4] != "0.500" || rows[2][6] != "" {
		t.Fatalf("CSV %d %v: %q", status, err, rows)
	}
	status, raw = h.raw("GET", p+"?format=json&speaker=assistant", h.keyA, nil)
	var items []map[string]any
	if err := json.Unmarshal(raw, &items); status != http.StatusOK || err != nil || len(items) != 1 || items[0]["content"] != "Hi, how can I help?" {
		t.Fatalf("JSON %d %v: %s", status, err, raw)
	}
	for _, tc := range []struct {
		key, path string
		status    int
	}{
		{h.keyB, p, http.StatusNotFound},
		{h.keyA, "/api/v1/calls/987654/transcripts/export", http.StatusNotFound},
		{"", p, http.StatusUnauthorized},
		{h.keyA, p + "?format=doc", http.StatusUnprocessableEntity},
		{h.keyA, p + "?speaker=bot", http.StatusUnprocessableEntity},
		{h.keyA, "/api/v1/calls/x/transcripts/export", http.StatusUnprocessableEntity},
	} {
		if status, out := h.call("GET", tc.path, tc.key, nil); status != tc.status {
			t.Errorf("%s: %d, want %d: %v", tc.path, status, tc.status, out)
		}
	}
}
