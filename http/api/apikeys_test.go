package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// memberKey is a key of a user who is not an admin of org.
func (h *harness) memberKey(org, email string) string {
	h.t.Helper()
	ctx := context.Background()
	o, err := h.store.EnsureOrganization(ctx, org)
	if err != nil {
		h.t.Fatal(err)
	}
	var user int64
	if err := h.pool.QueryRow(ctx, `INSERT INTO users (organization_id, email, role) VALUES ($1, $2, 'user') RETURNING id`, o.ID, email).Scan(&user); err != nil {
		h.t.Fatal(err)
	}
	key, digest, display, err := auth.NewKey()
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.CreateAPIKey(ctx, o.ID, user, "member", digest, display); err != nil {
		h.t.Fatal(err)
	}
	return key
}

// loc is the first error's location in a 422 body, joined by dots.
func loc(out map[string]any) string {
	d, _ := out["detail"].([]any)
	if len(d) == 0 {
		return ""
	}
	parts := []string{}
	for _, p := range d[0].(map[string]any)["loc"].([]any) {
		parts = append(parts, fmt.Sprint(p))
	}
	return strings.Join(parts, ".")
}

func TestAPIKeysLifecycle(t *testing.T) {
	h := newHarness(t)
	created := h.must(http.StatusCreated, "POST", "/api/v1/users/me/api-keys", h.keyA, map[string]any{"name": " ci "})
	key := created["key"].(string)
	k := created["api_key"].(map[string]any)
	id := fmt.Sprint(k["id"])
	if !strings.HasPrefix(key, k["key_prefix"].(string)) || k["name"] != "ci" || k["status"] != "active" ||
		k["created_by"] != "a@a.test" || k["expires_at"] != nil || k["last_used_at"] != nil {
		t.Fatalf("created %v", created)
	}

	// The new key works, and its use is recorded.
	h.must(http.StatusOK, "GET", "/api/v1/assistants", key, nil)
	list := h.must(http.StatusOK, "GET", "/api/v1/users/me/api-keys", key, nil)
	if list["total"] != float64(2) {
		t.Fatalf("list %v", list)
	}
	first := list["items"].([]any)[0].(map[string]any)
	if fmt.Sprint(first["id"]) != id || first["last_used_at"] == nil {
		t.Fatalf("newest key %v", first)
	}
	for _, item := range list["items"].([]any) {
		for f, v := range item.(map[string]any) {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "sb_live_") && len(s) > 20 {
				t.Fatalf("a list shows a whole key in %s", f)
			}
		}
	}

	renamed := h.must(http.StatusOK, "PUT", "/api/v1/users/me/api-keys/"+id, h.keyA, map[string]any{"name": "deploy"})
	if renamed["name"] != "deploy" {
		t.Fatalf("renamed %v", renamed)
	}

	// Revocation is effective at once on this node, though the key was
	// just used (and cached).
	h.must(http.StatusOK, "DELETE", "/api/v1/api-keys/"+id, h.keyA, nil)
	if status, _ := h.call("GET", "/api/v1/assistants", key, nil); status != http.StatusUnauthorized {
		t.Fatalf("a revoked key: %d", status)
	}
	got := h.must(http.StatusOK, "GET", "/api/v1/api-keys", h.keyA, nil)["items"].([]any)[0].(map[string]any)
	if got["status"] != "revoked" || got["revoked_at"] == nil {
		t.Fatalf("revoked key listed as %v", got)
	}
	h.must(http.StatusOK, "DELETE", "/api/v1/api-keys/"+id, h.keyA, nil) // again: nothing changes
}

func TestAPIKeyExpiry(t *testing.T) {
	h := newHarness(t)
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	created := h.must(http.StatusCreated, "POST", "/api/v1/users/me/api-keys", h.keyA, map[string]any{"name": "temp", "expires_at": at})
	k := created["api_key"].(map[string]any)
	if k["expires_at"] == nil {
		t.Fatalf("created %v", k)
	}
	if _, err := h.pool.Exec(context.Background(), `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, k["id"]); err != nil {
		t.Fatal(err)
	}
	if status, _ := h.call("GET", "/api/v1/assistants", created["key"].(string), nil); status != http.StatusUnauthorized {
		t.Fatalf("an expired key: %d", status)
	}
	got := h.must(http.StatusOK, "GET", "/api/v1/api-keys", h.keyA, nil)["items"].([]any)[0].(map[string]any)
	if got["status"] != "expired" {
		t.Fatalf("expired key listed as %v", got)
	}
}

// A key revoked through one node stops working on another node over the
// same database within a second.
func TestAPIKeyRevocationReachesOtherNodes(t *testing.T) {
	h := newHarness(t)
	created := h.must(http.StatusCreated, "POST", "/api/v1/users/me/api-keys", h.keyA, map[string]any{"name": "shared"})
	key := created["key"].(string)
	other := auth.NewAuthenticator(h.store)
	ctx := context.Background()
	if _, err := other.Authenticate(ctx, key); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/users/me/api-keys/%v", get(created, "api_key", "id")), h.keyA, nil)
	testkit.Eventually(t, 5*time.Second, func() error {
		if _, err := other.Authenticate(ctx, key); !errors.Is(err, auth.ErrUnknownKey) {
			return fmt.Errorf("the other node still accepts the key: %v", err)
		}
		return nil
	})
	t.Logf("revocation reached the other node after %v", time.Since(revoked))
}

func TestAPIKeysAccess(t *testing.T) {
	h := newHarness(t)
	member := h.memberKey("Org A", "member@a.test")
	b := h.must(http.StatusCreated, "POST", "/api/v1/users/me/api-keys", h.keyB, map[string]any{"name": "b"})
	bID := fmt.Sprint(get(b, "api_key", "id"))

	routes := []struct{ method, path string }{
		{"GET", "/api/v1/users/me/api-keys"},
		{"POST", "/api/v1/users/me/api-keys"},
		{"PUT", "/api/v1/users/me/api-keys/1"},
		{"DELETE", "/api/v1/users/me/api-keys/1"},
		{"GET", "/api/v1/api-keys"},
		{"PUT", "/api/v1/api-keys/1"},
		{"DELETE", "/api/v1/api-keys/1"},
	}
	body := map[string]any{"name": "x"}
	for _, r := range routes {
		if status, _ := h.call(r.method, r.path, "", body); status != http.StatusUnauthorized {
			t.Errorf("no key %s %s: %d", r.method, r.path, status)
		}
		if status, out := h.call(r.method, r.path, member, body); status != http.StatusForbidden {
			t.Errorf("member %s %s: %d %v", r.method, r.path, status, out)
		}
	}

	// Another organization's key is a 404 and stays untouched.
	for _, p := range []string{"/api/v1/api-keys/" + bID, "/api/v1/users/me/api-keys/" + bID, "/api/v1/api-keys/987654"} {
		for _, m := range []string{"PUT", "DELETE"} {
			if status, out := h.call(m, p, h.keyA, body); status != http.StatusNotFound {
				t.Errorf("org A %s %s: %d %v", m, p, status, out)
			}
		}
	}
	h.must(http.StatusOK, "GET", "/api/v1/assistants", b["key"].(string), nil)
	if list := h.must(http.StatusOK, "GET", "/api/v1/api-keys", h.keyA, nil); list["total"] != float64(2) {
		t.Fatalf("org A lists %v, want its admin's and its member's keys", list)
	}

	// /users/me only reaches the caller's own keys; /api-keys the
	// organization's.
	var memberKeyID int64
	if err := h.pool.QueryRow(context.Background(), `SELECT id FROM api_keys WHERE name = 'member'`).Scan(&memberKeyID); err != nil {
		t.Fatal(err)
	}
	if status, _ := h.call("PUT", fmt.Sprintf("/api/v1/users/me/api-keys/%d", memberKeyID), h.keyA, body); status != http.StatusNotFound {
		t.Errorf("an admin renamed another user's key through /users/me: %d", status)
	}
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/api-keys/%d", memberKeyID), h.keyA, nil)
	if status, _ := h.call("GET", "/api/v1/assistants", member, nil); status != http.StatusUnauthorized {
		t.Errorf("the member's revoked key: %d", status)
	}
}

func TestAPIKeysBadInput(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		method, path string
		body         any
		loc          string
	}{
		{"POST", "/api/v1/users/me/api-keys", map[string]any{}, "body.name"},
		{"POST", "/api/v1/users/me/api-keys", map[string]any{"name": "  "}, "body.name"},
		{"POST", "/api/v1/users/me/api-keys", map[string]any{"name": strings.Repeat("n", 101)}, "body.name"},
		{"POST", "/api/v1/users/me/api-keys", map[string]any{"name": "x", "expires_at": "tomorrow"}, "body.expires_at"},
		{"POST", "/api/v1/users/me/api-keys", map[string]any{"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, "body.expires_at"},
		{"POST", "/api/v1/users/me/api-keys", map[string]any{"name": "x", "permissions": "all"}, "body.permissions"},
		{"POST", "/api/v1/users/me/api-keys", "[", "body"},
		{"PUT", "/api/v1/api-keys/1", map[string]any{"name": 7}, "body.name"},
		{"PUT", "/api/v1/api-keys/abc", map[string]any{"name": "x"}, "path.key_id"},
		{"DELETE", "/api/v1/users/me/api-keys/0", nil, "path.key_id"},
		{"GET", "/api/v1/api-keys?limit=0", nil, "query.limit"},
	} {
		status, out := h.call(tc.method, tc.path, h.keyA, tc.body)
		if status != http.StatusUnprocessableEntity || loc(out) != tc.loc {
			t.Errorf("%s %s %v: %d at %q, want 422 at %q: %v", tc.method, tc.path, tc.body, status, loc(out), tc.loc, out)
		}
	}
}
