package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// firstLoc is the loc of a 422's first problem, as a dotted string.
func firstLoc(out map[string]any) string {
	d, _ := out["detail"].([]any)
	if len(d) == 0 {
		return fmt.Sprint(out)
	}
	e, _ := d[0].(map[string]any)
	loc, _ := e["loc"].([]any)
	parts := make([]string, len(loc))
	for i, p := range loc {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// Text PostgreSQL cannot store (a NUL, bytes that are not UTF-8) is a 422
// naming where it is, in bodies and query parameters, and concurrent valid
// writes to the same assistant are not touched by it; a body that is not
// JSON by its content type is a 415.
func TestTextThatCannotBeStored(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Text"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	for _, c := range []struct {
		method, path, body, loc string
	}{
		{"POST", "/api/v1/assistants", `{"name":"a\u0000b"}`, "body.name"},
		{"POST", "/api/v1/assistants", "{\"name\":\"a\xffb\"}", "body.name"},
		{"PATCH", path, `{"llm_settings":{"system_prompt":"ok","stop_sequences":["x","\u0000"]}}`, "body.llm_settings.stop_sequences.1"},
		{"PATCH", path, `{"custom_settings":{"k\u0000":1}}`, "body.custom_settings.k\x00"},
		{"PATCH", path, "{\"custom_settings\":{\"k\":[{\"\xc3\":1}]}}", "body.custom_settings.k.0.\ufffd"},
		{"POST", "/api/v1/phone-numbers", `{"phone_number":"+15550001111","provider":"twilio","friendly_name":"\u0000"}`, "body.friendly_name"},
		{"GET", "/api/v1/assistants?search=%00", "", "query.search"},
		{"GET", "/api/v1/assistants?search=%ff", "", "query.search"},
		{"GET", "/api/v1/calls?customer_phone=%00", "", "query.customer_phone"},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		status, out := h.call(c.method, c.path, h.keyA, body)
		if status != http.StatusUnprocessableEntity || firstLoc(out) != c.loc {
			t.Errorf("%s %s %q: %d %v, want 422 at %s", c.method, c.path, c.body, status, out, c.loc)
		}
	}

	// Valid writes racing refused ones all land.
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		body := fmt.Sprintf(`{"custom_settings":{"w%d":true}}`, i)
		if i%2 == 1 {
			body = `{"description":"bad\u0000"}`
		}
		wg.Go(func() { statuses[i], _ = h.call("PATCH", path, h.keyA, body) })
	}
	wg.Wait()
	for i, s := range statuses {
		if want := []int{http.StatusOK, http.StatusUnprocessableEntity}[i%2]; s != want {
			t.Fatalf("write %d: %d, want %d", i, s, want)
		}
	}
	got := h.must(http.StatusOK, "GET", path, h.keyA, nil)
	if cs, _ := got["custom_settings"].(map[string]any); len(cs) != 10 {
		t.Fatalf("custom settings after the race: %v", got["custom_settings"])
	}

	req, _ := http.NewRequest("POST", h.base+"/api/v1/assistants", strings.NewReader(`name=x`))
	req.Header.Set("Authorization", "Bearer "+h.keyA)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("form body: %d, want 415", resp.StatusCode)
	}
	big := `{"description":"` + strings.Repeat("x", 2<<20) + `"}`
	if status, out := h.call("PATCH", path, h.keyA, big); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body: %d %v, want 413", status, out)
	}
}

// The vendor views read JSON bodies as the Burki API does: another content
// type is a 415, in the view's own error shape.
func TestVendorViewsRefuseBodiesThatAreNotJSON(t *testing.T) {
	h := newHarness(t)
	uuid := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, map[string]any{"name": "Mine"})["assistant"].(map[string]any)["id"].(string)
	id := fmt.Sprint(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, famulorCreate())["data"].(map[string]any)["id"])
	for _, r := range []struct{ method, path, field string }{
		{"POST", "/api/user/assistant", "message"},
		{"PUT", "/api/user/assistant/" + id, "message"},
		{"POST", "/api/user/assistants/enable-webhook", "message"},
		{"POST", vd + "/assistants", "error"},
		{"PATCH", vd + "/agents/" + uuid, "error"},
	} {
		req, _ := http.NewRequest(r.method, h.base+r.path, strings.NewReader(`{"name":"x"}`))
		req.Header.Set("Authorization", "Bearer "+h.keyA)
		req.Header.Set("Content-Type", "text/plain")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if _, ok := out[r.field].(string); resp.StatusCode != http.StatusUnsupportedMediaType || err != nil || !ok {
			t.Errorf("%s %s as text/plain: %d %v (%v), want 415 with %q", r.method, r.path, resp.StatusCode, out, err, r.field)
		}
	}
	if got := h.must(http.StatusOK, "GET", vd+"/assistants/"+uuid, h.keyA, nil)["assistant"].(map[string]any); got["name"] != "Mine" {
		t.Fatalf("a refused PATCH changed the assistant: %v", got)
	}
}
