package api_test

import (
	"net/http"
	"testing"
)

func TestReplaceOrganization(t *testing.T) {
	h := newHarness(t)
	member := h.memberKey("Org A", "member@a.test")
	h.must(http.StatusOK, "PATCH", "/api/v1/organization", h.keyA,
		map[string]any{"provider_keys": map[string]any{"openai_api_key": "sk", "deepgram_api_key": "dg"}, "concurrency": map[string]any{"deepgram": 3}})
	h.must(http.StatusOK, "PATCH", "/api/v1/organization", h.keyB, map[string]any{"concurrency": map[string]any{"openai": 9}})

	got := h.must(http.StatusOK, "PUT", "/api/v1/organization", h.keyA,
		map[string]any{"provider_keys": map[string]any{"openai_api_key": "********"}, "twilio": map[string]any{"account_sid": "AC1"}})
	s := got["settings"].(map[string]any)
	if keys := s["provider_keys"].(map[string]any); len(keys) != 1 || keys["openai_api_key"] != "********" {
		t.Fatalf("provider_keys after PUT: %v", keys)
	}
	if len(s["concurrency"].(map[string]any)) != 0 || get(s, "twilio", "account_sid") != "AC1" || s["webhook_secret"] != "********" {
		t.Fatalf("settings after PUT: %v", s)
	}

	// The other organization is untouched.
	b := h.must(http.StatusOK, "GET", "/api/v1/organization", h.keyB, nil)
	if get(b, "settings", "concurrency", "openai") != float64(9) {
		t.Fatalf("org B after org A's PUT: %v", b)
	}

	if status, _ := h.call("PUT", "/api/v1/organization", "", map[string]any{}); status != http.StatusUnauthorized {
		t.Errorf("no key: %d", status)
	}
	if status, _ := h.call("PUT", "/api/v1/organization", member, map[string]any{}); status != http.StatusForbidden {
		t.Errorf("member: %d", status)
	}
	for body, where := range map[string]string{
		`{"concurrency":{"deepgram":0}}`: "body.concurrency.deepgram",
		`{"webhook_secret":"x"}`:         "body.webhook_secret",
		`{"name":"renamed"}`:             "body.name",
		`[1]`:                            "body",
	} {
		status, out := h.call("PUT", "/api/v1/organization", h.keyA, body)
		if status != http.StatusUnprocessableEntity || loc(out) != where {
			t.Errorf("PUT %s: %d at %q, want 422 at %q: %v", body, status, loc(out), where, out)
		}
	}
}
