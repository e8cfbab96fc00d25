package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// threeAssistants creates two active assistants and an inactive one in
// org A (one with a secret and a formula-looking name), and one in org B.
func (h *harness) threeAssistants() []any {
	var ids []any
	for _, body := range []string{
		`{"name":"Sales","llm_provider_config":{"api_key":"sk-secret-1","model":"gpt-4o"}}`,
		`{"name":"=HYPERLINK(\"x\")"}`,
		`{"name":"Support","is_active":false}`,
	} {
		ids = append(ids, h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, body)["id"])
	}
	h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyB, `{"name":"Other"}`)
	return ids
}

func TestAssistantsCountAndExport(t *testing.T) {
	h := newHarness(t)
	h.threeAssistants()
	for q, want := range map[string]float64{"": 3, "?is_active=false": 1, "?search=sup": 1, "?search=nothing": 0} {
		if got := h.must(http.StatusOK, "GET", "/api/v1/assistants/count"+q, h.keyA, nil); got["count"] != want {
			t.Errorf("count%s = %v, want %v", q, got, want)
		}
	}
	if got := h.must(http.StatusOK, "GET", "/api/v1/assistants/count", h.keyB, nil); got["count"] != float64(1) {
		t.Errorf("org B count %v", got)
	}

	status, raw := h.raw("GET", "/api/v1/assistants/export", h.keyA, nil)
	if status != http.StatusOK || strings.Contains(string(raw), "sk-secret") {
		t.Fatalf("CSV export %d:\n%s", status, raw)
	}
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][1] != "name" {
		t.Fatalf("CSV export: %v\n%s", err, raw)
	}
	names := []string{rows[1][1], rows[2][1], rows[3][1]}
	if !slices.Equal(names, []string{"Support", `'=HYPERLINK("x")`, "Sales"}) || rows[3][5] != "gpt-4o" {
		t.Errorf("CSV rows %v", rows)
	}

	status, raw = h.raw("GET", "/api/v1/assistants/export?format=json&is_active=true", h.keyA, nil)
	var items []map[string]any
	if err := json.Unmarshal(raw, &items); status != http.StatusOK || err != nil || len(items) != 2 {
		t.Fatalf("JSON export %d %v:\n%s", status, err, raw)
	}
	if get(items[1], "llm_provider_config", "api_key") != "********" || items[1]["name"] != "Sales" {
		t.Errorf("JSON export item %v", items[1])
	}
	status, raw = h.raw("GET", "/api/v1/assistants/export?format=json", h.keyB, nil)
	if status != http.StatusOK || strings.Count(string(raw), `"name":`) != 1 {
		t.Errorf("org B's export %d: %s", status, raw)
	}

	for _, tc := range []struct{ path, loc string }{
		{"/api/v1/assistants/export?format=xml", "query.format"},
		{"/api/v1/assistants/export?is_active=maybe", "query.is_active"},
		{"/api/v1/assistants/count?is_active=2", "query.is_active"},
	} {
		if status, out := h.call("GET", tc.path, h.keyA, nil); status != http.StatusUnprocessableEntity || loc(out) != tc.loc {
			t.Errorf("%s: %d %v", tc.path, status, out)
		}
	}
	for _, p := range []string{"/api/v1/assistants/count", "/api/v1/assistants/export", "/api/v1/assistants/providers"} {
		if status, _ := h.call("GET", p, "", nil); status != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d", p, status)
		}
	}
}

func TestDuplicateAssistant(t *testing.T) {
	h := newHarness(t)
	ids := h.threeAssistants()
	src := fmt.Sprintf("/api/v1/assistants/%v", ids[0])
	h.must(http.StatusOK, "PATCH", src, h.keyA, `{"description":"v2"}`)
	cp := h.must(http.StatusCreated, "POST", src+"/duplicate", h.keyA, nil)
	if cp["id"] == ids[0] || cp["name"] != "Sales (copy)" || cp["description"] != "v2" || cp["version"] != float64(1) ||
		get(cp, "llm_provider_config", "api_key") != "********" || get(cp, "llm_provider_config", "model") != "gpt-4o" {
		t.Fatalf("copy %v", cp)
	}
	// The copy's secret is its own: a masked write keeps it.
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v", cp["id"]), h.keyA, `{"llm_provider_config":{"api_key":"********"}}`)
	named := h.must(http.StatusCreated, "POST", src+"/duplicate", h.keyA, `{"name":"Sales EU"}`)
	if named["name"] != "Sales EU" {
		t.Fatalf("named copy %v", named)
	}
	hist := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%v/settings-history", cp["id"]), h.keyA, nil)
	if hist["total"] != float64(0) {
		t.Errorf("a copy's history: %v", hist)
	}

	for _, p := range []string{src, "/api/v1/assistants/987654"} {
		if status, out := h.call("POST", p+"/duplicate", h.keyB, nil); status != http.StatusNotFound {
			t.Errorf("org B duplicates %s: %d %v", p, status, out)
		}
	}
	if list := h.must(http.StatusOK, "GET", "/api/v1/assistants/count", h.keyB, nil); list["count"] != float64(1) {
		t.Errorf("org B gained assistants: %v", list)
	}
	for _, tc := range []struct{ path, body, loc string }{
		{src + "/duplicate", fmt.Sprintf(`{"name":%q}`, strings.Repeat("n", 256)), "body.name"},
		{src + "/duplicate", `{"colour":"red"}`, "body.colour"},
		{"/api/v1/assistants/abc/duplicate", "", "path.assistant_id"},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		if status, out := h.call("POST", tc.path, h.keyA, body); status != http.StatusUnprocessableEntity || loc(out) != tc.loc {
			t.Errorf("%s %s: %d %v", tc.path, tc.body, status, out)
		}
	}
	if status, _ := h.call("POST", src+"/duplicate", "", nil); status != http.StatusUnauthorized {
		t.Errorf("duplicate without a key: %d", status)
	}
}

func TestAssistantProviders(t *testing.T) {
	h := newHarness(t)
	h.must(http.StatusOK, "PATCH", "/api/v1/organization", h.keyA, map[string]any{"provider_keys": map[string]any{"openai_api_key": "sk-org"}})
	offer := func(key, kind, provider string) map[string]any {
		got := h.must(http.StatusOK, "GET", "/api/v1/assistants/providers", key, nil)
		for _, o := range got[kind].([]any) {
			if o.(map[string]any)["provider"] == provider {
				return o.(map[string]any)
			}
		}
		t.Fatalf("no %s %s in %v", kind, provider, got)
		return nil
	}
	if o := offer(h.keyA, "llm", "openai"); o["available"] != true || fmt.Sprint(o["key_sources"]) != "[organization]" {
		t.Errorf("org A openai %v", o)
	}
	if o := offer(h.keyB, "llm", "openai"); o["available"] != false {
		t.Errorf("org B openai (no key anywhere) %v", o)
	}
	if o := offer(h.keyA, "stt", "deepgram"); o["available"] != false {
		t.Errorf("deepgram without a key %v", o)
	}
}
