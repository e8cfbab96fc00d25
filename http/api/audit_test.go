package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

func TestAuditLog(t *testing.T) {
	h := newHarness(t)
	member := h.memberKey("Org A", "member@a.test")
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Audited"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	h.must(http.StatusOK, "PATCH", path, h.keyA, `{"description":"x"}`)
	h.call("PATCH", path, h.keyA, `{"tts_limit":-1}`) // refused: not a change
	h.must(http.StatusOK, "GET", path, h.keyA, nil)   // reads are not audited
	created := h.must(http.StatusCreated, "POST", "/api/v1/users/me/api-keys", h.keyA, map[string]any{"name": "ops"})
	ops, opsID := created["key"].(string), get(created, "api_key", "id")
	h.must(http.StatusOK, "PUT", "/api/v1/organization", ops, map[string]any{})
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/api-keys/%v", opsID), h.keyA, nil)
	h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyB, `{"name":"B's"}`)

	log := h.must(http.StatusOK, "GET", "/api/v1/audit/logs", h.keyA, nil)
	var actions []string
	for _, it := range log["items"].([]any) {
		e := it.(map[string]any)
		actions = append(actions, e["action"].(string))
		if e["user_email"] != "a@a.test" || e["api_key_prefix"] == nil || e["status"] == nil {
			t.Errorf("entry %v", e)
		}
	}
	want := []string{"revokeAPIKey", "replaceOrganization", "createAPIKey", "patchAssistant", "createAssistant"}
	if !slices.Equal(actions, want) || log["total"] != float64(5) {
		t.Fatalf("audit log %v, want %v", actions, want)
	}
	first := log["items"].([]any)[4].(map[string]any)
	if first["method"] != "POST" || first["path"] != "/api/v1/assistants" || first["status"] != float64(201) {
		t.Errorf("first entry %v", first)
	}

	byKey := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/audit/logs?api_key_id=%v", opsID), h.keyA, nil)
	if byKey["total"] != float64(1) || get(byKey["items"].([]any)[0], "action") != "replaceOrganization" {
		t.Errorf("the ops key's actions %v", byKey)
	}
	if got := h.must(http.StatusOK, "GET", "/api/v1/audit/logs?action=createAssistant&date_from=2000-01-01", h.keyA, nil); got["total"] != float64(1) {
		t.Errorf("createAssistant entries %v", got)
	}
	if got := h.must(http.StatusOK, "GET", "/api/v1/audit/logs", h.keyB, nil); got["total"] != float64(1) {
		t.Errorf("org B's audit log %v", got)
	}

	// The assistant's settings history names the key of each change.
	hist := h.must(http.StatusOK, "GET", path+"/settings-history", h.keyA, nil)["items"].([]any)[0].(map[string]any)
	var keyA float64
	if err := h.pool.QueryRow(t.Context(), `SELECT k.id FROM api_keys k JOIN users u ON u.id = k.user_id WHERE u.email = 'a@a.test' ORDER BY k.id LIMIT 1`).Scan(&keyA); err != nil {
		t.Fatal(err)
	}
	if hist["changed_by_key_id"] != keyA {
		t.Errorf("history entry %v, want changed_by_key_id %v", hist, keyA)
	}

	types := h.must(http.StatusOK, "GET", "/api/v1/audit/event-types", h.keyA, nil)["event_types"].([]any)
	if !slices.Contains(types, any("createAssistant")) || !slices.Contains(types, any("revokeAPIKey")) || slices.Contains(types, any("listAssistants")) {
		t.Errorf("event types %v", types)
	}

	for _, p := range []string{"/api/v1/audit/logs", "/api/v1/audit/event-types"} {
		if status, _ := h.call("GET", p, "", nil); status != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d", p, status)
		}
		if status, _ := h.call("GET", p, member, nil); status != http.StatusForbidden {
			t.Errorf("%s as a member: %d", p, status)
		}
	}
	for _, tc := range []struct{ path, loc string }{
		{"/api/v1/audit/logs?action=stealEverything", "query.action"},
		{"/api/v1/audit/logs?api_key_id=x", "query.api_key_id"},
		{"/api/v1/audit/logs?date_to=soon", "query.date_to"},
		{"/api/v1/audit/logs?limit=5000", "query.limit"},
	} {
		if status, out := h.call("GET", tc.path, h.keyA, nil); status != http.StatusUnprocessableEntity || loc(out) != tc.loc {
			t.Errorf("%s: %d %v", tc.path, status, out)
		}
	}
}
