package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/auth"
)

func TestAuthentication(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name   string
		header string
	}{
		{"no header", ""},
		{"wrong scheme", "Basic " + h.keyA},
		{"empty bearer", "Bearer "},
		{"unknown key", "Bearer sb_live_00000000000000000000000000000000"},
	} {
		req, _ := http.NewRequest("GET", h.base+"/api/v1/assistants", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%s: status %d, WWW-Authenticate %q", tc.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	// bearer scheme is case-insensitive
	req, _ := http.NewRequest("GET", h.base+"/api/v1/assistants", nil)
	req.Header.Set("Authorization", "bearer "+h.keyA)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case bearer: %v %v", resp.StatusCode, err)
	}

	// A deactivated key stops working (on a fresh node, without the cache).
	h2key := h.newKey(context.Background(), "Org C", "c@c.test")
	if _, err := h.pool.Exec(context.Background(), `UPDATE api_keys SET is_active = false WHERE organization_id = (SELECT id FROM organizations WHERE name = 'Org C')`); err != nil {
		t.Fatal(err)
	}
	if status, _ := h.call("GET", "/api/v1/assistants", h2key, nil); status != http.StatusUnauthorized {
		t.Errorf("inactive key: %d", status)
	}
}

// Every assistant route answers 404 for another organization's assistant,
// exactly as for one that does not exist, and changes nothing.
func TestCrossOrganizationMatrix(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"private"}`)
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v", a["id"]), h.keyA, `{"description":"x"}`)
	hist := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%v/settings-history", a["id"]), h.keyA, nil)
	hid := hist["items"].([]any)[0].(map[string]any)["id"]

	for _, id := range []any{a["id"], 987654} {
		p := fmt.Sprintf("/api/v1/assistants/%v", id)
		for _, r := range []struct{ method, path, body string }{
			{"GET", p, ""},
			{"PUT", p, `{"name":"stolen"}`},
			{"PATCH", p, `{"name":"stolen"}`},
			{"DELETE", p, ""},
			{"PATCH", p + "/status", `{"is_active":false}`},
			{"GET", p + "/settings-history", ""},
			{"GET", fmt.Sprintf("%s/settings-history/%v", p, hid), ""},
			{"POST", fmt.Sprintf("%s/settings-history/%v/rollback", p, hid), ""},
		} {
			var body any
			if r.body != "" {
				body = r.body
			}
			status, out := h.call(r.method, r.path, h.keyB, body)
			if status != http.StatusNotFound {
				t.Errorf("org B %s %s: %d %v", r.method, r.path, status, out)
			}
		}
	}
	got := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%v", a["id"]), h.keyA, nil)
	if got["name"] != "private" || got["version"] != float64(2) {
		t.Fatalf("org B changed org A's assistant: %v", got)
	}
	if list := h.must(http.StatusOK, "GET", "/api/v1/assistants", h.keyB, nil); list["total"] != float64(0) {
		t.Fatalf("org B lists org A's assistants: %v", list)
	}
}

// A viewer reads everything and changes nothing, through every API, each
// refusing in its own shape; a member changes assistants but not the
// organization; an admin does both.
func TestRolesThroughEveryAPI(t *testing.T) {
	h := newHarness(t)
	viewer, member := h.roleKey("Org A", "viewer@a.test", auth.RoleViewer), h.memberKey("Org A", "member@a.test")
	created := h.must(http.StatusCreated, "POST", "/api/v1/assistants", member, map[string]any{"name": "By a member"})
	id := created["id"]
	h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%v", id), viewer, nil)
	h.must(http.StatusOK, "GET", "/api/v1/calls", viewer, nil)
	for _, p := range []string{"/api/user/assistants", "/voicedock/api/v1/assistants"} {
		if status, body := h.raw("GET", p, viewer, nil); status != http.StatusOK {
			t.Errorf("viewer GET %s: %d %s", p, status, body)
		}
	}
	for _, r := range []struct{ method, path, field, want string }{
		{"PATCH", fmt.Sprintf("/api/v1/assistants/%v", id), "detail", "Viewers can read but not change anything"},
		{"POST", "/api/v1/assistants", "detail", "Viewers can read but not change anything"},
		{"DELETE", fmt.Sprintf("/api/v1/assistants/%v", id), "detail", "Viewers can read but not change anything"},
		{"POST", "/api/user/assistant", "message", "Viewers can read but not change anything"},
		{"POST", "/voicedock/api/v1/assistants", "error", "Forbidden"},
	} {
		status, out := h.call(r.method, r.path, viewer, map[string]any{"name": "x"})
		if got, _ := out[r.field].(string); status != http.StatusForbidden || !strings.HasPrefix(got, r.want) {
			t.Errorf("viewer %s %s: %d %v", r.method, r.path, status, out)
		}
	}
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v", id), member, map[string]any{"description": "changed"})
	h.must(http.StatusForbidden, "PATCH", "/api/v1/organization", member, map[string]any{"provider_keys": map[string]any{}})
	h.must(http.StatusOK, "PATCH", "/api/v1/organization", h.keyA, map[string]any{"provider_keys": map[string]any{}})
}
