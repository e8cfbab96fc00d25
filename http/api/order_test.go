package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
)

// request sends a raw request with a content type and returns its status.
func (h *harness) request(method, path, key, contentType, body string) int {
	h.t.Helper()
	req, err := http.NewRequest(method, h.base+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// Every API route authenticates before it reads anything else: with no
// key, malformed path parameters and a malformed body, it is a 401.
func TestEveryRouteAuthenticatesFirst(t *testing.T) {
	h := newHarness(t)
	n := 0
	for _, r := range h.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			continue
		}
		path := routeParam.ReplaceAllString(r.Path, "%00x")
		for _, ct := range []string{"application/json", "multipart/form-data; boundary=x", "text/plain"} {
			if status := h.request(r.Method, path, "", ct, "{\x00"); status != http.StatusUnauthorized {
				t.Errorf("%s %s (%s) without a key: %d, want 401", r.Method, path, ct, status)
			}
		}
		n++
	}
	if n < 30 {
		t.Fatalf("only %d routes checked", n)
	}
}

// Another organization's resource named in the path is a 404 before its
// body is read or checked: never a 422 that tells it exists.
func TestAuthorizationBeforeParsing(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"A's"}`)
	b := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyB, `{"name":"B's"}`)
	na := h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyA, `{"phone_number":"+15550001000","provider":"twilio"}`)
	nb := h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyB, `{"phone_number":"+15550002000","provider":"twilio"}`)
	for _, r := range []struct{ method, path, ct, body string }{
		{"POST", fmt.Sprintf("/api/v1/phone-numbers/%v/assign", na["id"]), "application/json", `{`},
		{"POST", fmt.Sprintf("/api/v1/phone-numbers/%v/assign", na["id"]), "application/json", fmt.Sprintf(`{"assistant_id":%v}`, b["id"])},
		{"POST", fmt.Sprintf("/api/v1/phone-numbers/%v/assign", na["id"]), "text/plain", `x`},
		{"POST", fmt.Sprintf("/api/v1/assistants/%v/phone-numbers/%v/assign", b["id"], na["id"]), "", ""},
		{"POST", fmt.Sprintf("/api/v1/assistants/%v/phone-numbers/%v/assign", a["id"], nb["id"]), "", ""},
		{"POST", fmt.Sprintf("/api/v1/assistants/%v/phone-numbers/%v/unassign", a["id"], nb["id"]), "", ""},
		{"POST", fmt.Sprintf("/api/v1/phone-numbers/%v/unassign", na["id"]), "", ""},
		{"PATCH", fmt.Sprintf("/api/v1/phone-numbers/%v", na["id"]), "application/json", `{"assistant_id":"x"}`},
		{"PATCH", fmt.Sprintf("/api/v1/assistants/%v", a["id"]), "application/json", `{`},
		{"PATCH", fmt.Sprintf("/api/v1/assistants/%v/status", a["id"]), "application/json", `{`},
		{"POST", fmt.Sprintf("/api/v1/assistants/%v/background-sounds/upload", a["id"]), "multipart/form-data; boundary=x", "{"},
	} {
		if status := h.request(r.method, r.path, h.keyB, r.ct, r.body); status != http.StatusNotFound {
			t.Errorf("org B %s %s %q: %d, want 404", r.method, r.path, r.body, status)
		}
	}
	// The owner still gets the body's problems.
	if status := h.request("POST", fmt.Sprintf("/api/v1/phone-numbers/%v/assign", na["id"]), h.keyA, "application/json", `{`); status != http.StatusUnprocessableEntity {
		t.Fatalf("owner's malformed body: %d", status)
	}
	if status := h.request("POST", fmt.Sprintf("/api/v1/assistants/%v/background-sounds/upload", a["id"]), h.keyA,
		"multipart/form-data; boundary=x", "{"); status != http.StatusUnprocessableEntity {
		t.Fatalf("owner's malformed upload: %d", status)
	}
}

// Path parameters are percent-decoded once on every route that takes a
// number or a name: every real client encodes "+".
func TestEncodedPathParameters(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Encoded"}`)
	h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyA,
		fmt.Sprintf(`{"phone_number":"+14155550100","provider":"twilio","assistant_id":%v}`, a["id"]))
	for _, p := range []string{"+14155550100", "%2B14155550100", "%2b1415555%30100"} {
		got := h.must(http.StatusOK, "GET", "/api/v1/assistants/by-phone/"+p, h.keyA, nil)
		if got["id"] != a["id"] {
			t.Fatalf("by-phone %s: %v", p, got)
		}
	}
	if status, _ := h.call("GET", "/api/v1/assistants/by-phone/%252B14155550100", h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("decoded twice: %d", status)
	}
	if status, _ := h.call("GET", "/api/v1/assistants/by-phone/%2B1%00", h.keyA, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("a NUL in the path: %d", status)
	}
	id := fmt.Sprint(a["id"])
	h.must(http.StatusOK, "GET", "/api/v1/assistants/%3"+id[:1]+id[1:], h.keyA, nil)

	org, err := h.store.EnsureOrganization(context.Background(), "Org A")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.WriteRecords(context.Background(), []persistence.Record{{Kind: persistence.RecordStarted, CallSID: "CA+1 x",
		Seq: 1, At: time.Now(), Call: &persistence.CallInfo{OrganizationID: org.ID, From: "+15550001111", To: "+14155550100",
			Direction: "inbound", Carrier: "web"}}}); err != nil {
		t.Fatal(err)
	}
	got := h.must(http.StatusOK, "GET", "/api/v1/calls/sid/CA%2B1%20x", h.keyA, nil)
	if got["call_sid"] != "CA+1 x" {
		t.Fatalf("call by encoded SID: %v", got)
	}
	status, out := h.call("POST", "/api/v1/calls/CA%2B1%20x/terminate", h.keyA, nil)
	if status != http.StatusNotFound || !strings.Contains(fmt.Sprint(out), "CA+1 x") {
		t.Fatalf("terminate by encoded SID: %d %v", status, out)
	}
}

// The vendor views decode their path parameters once too, on every route
// that takes an id: Famulor's /api/user/assistant/:id and VoiceDock's
// /assistants/:uuid and /agents/:uuid.
func TestEncodedVendorPathParameters(t *testing.T) {
	h := newHarness(t)
	encode := func(s string) string { // every byte, as the strictest client might
		var b strings.Builder
		for i := range len(s) {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}

	id := fmt.Sprint(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, famulorCreate())["data"].(map[string]any)["id"])
	famulor := "/api/user/assistant/"
	if got := h.must(http.StatusOK, "GET", famulor+encode(id), h.keyA, nil)["data"].(map[string]any); fmt.Sprint(got["id"]) != id {
		t.Fatalf("Famulor GET by encoded id: %v", got)
	}
	h.must(http.StatusOK, "PUT", famulor+encode(id), h.keyA, map[string]any{"name": "Encoded"})
	if got := h.must(http.StatusOK, "GET", "/api/v1/assistants/"+id, h.keyA, nil); got["name"] != "Encoded" {
		t.Fatalf("Famulor PUT by encoded id did not land: %v", got)
	}
	for _, bad := range []string{"%25" + encode(id)[1:], "%00" + id} { // decoded twice, a NUL
		status, body := h.call("GET", famulor+bad, h.keyA, nil)
		if status != http.StatusNotFound || body["message"] == nil {
			t.Fatalf("Famulor GET %s: %d %v", bad, status, body)
		}
	}
	h.must(http.StatusOK, "DELETE", famulor+encode(id), h.keyA, nil)
	h.must(http.StatusNotFound, "GET", "/api/v1/assistants/"+id, h.keyA, nil)

	for _, prefix := range []string{vd + "/assistants/", vd + "/agents/"} {
		uuid := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, map[string]any{"name": "Mine"})["assistant"].(map[string]any)["id"].(string)
		for _, path := range []string{encode(uuid), strings.ReplaceAll(uuid, "-", "%2d")} {
			if got := h.must(http.StatusOK, "GET", prefix+path, h.keyA, nil)["assistant"].(map[string]any); got["id"] != uuid {
				t.Fatalf("VoiceDock GET %s%s: %v", prefix, path, got)
			}
		}
		if got := h.must(http.StatusOK, "PATCH", prefix+encode(uuid), h.keyA, map[string]any{"name": "Patched"})["assistant"].(map[string]any); got["name"] != "Patched" {
			t.Fatalf("VoiceDock PATCH %s by encoded uuid: %v", prefix, got)
		}
		for _, bad := range []string{strings.ReplaceAll(uuid, "-", "%252D"), uuid[:35] + "%00"} {
			status, body := h.call("GET", prefix+bad, h.keyA, nil)
			if status != http.StatusNotFound || body["error"] != "Assistant not found" {
				t.Fatalf("VoiceDock GET %s%s: %d %v", prefix, bad, status, body)
			}
		}
		if status, _ := h.raw("DELETE", prefix+encode(uuid), h.keyA, nil); status != http.StatusNoContent {
			t.Fatalf("VoiceDock DELETE %s by encoded uuid: %d", prefix, status)
		}
		h.must(http.StatusNotFound, "GET", prefix+uuid, h.keyA, nil)
	}
}
