package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/auth"
)

func TestPhoneNumbers(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"front desk"}`)
	n := h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyA,
		`{"phone_number":"+14155550100","provider":"twilio","friendly_name":"Main line"}`)
	if n["assistant_id"] != nil || n["is_active"] != true || n["friendly_name"] != "Main line" {
		t.Fatalf("created %v", n)
	}
	path := fmt.Sprintf("/api/v1/phone-numbers/%v", n["id"])

	// Not assigned yet: by-phone is 404.
	h.must(http.StatusNotFound, "GET", "/api/v1/assistants/by-phone/+14155550100", h.keyA, nil)
	h.must(http.StatusOK, "POST", path+"/assign", h.keyA, map[string]any{"assistant_id": a["id"]})
	got := h.must(http.StatusOK, "GET", "/api/v1/assistants/by-phone/+14155550100", h.keyA, nil)
	if got["id"] != a["id"] {
		t.Fatalf("by-phone returned %v", got["id"])
	}
	list := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%v/phone-numbers", a["id"]), h.keyA, nil)
	if list["total"] != float64(1) {
		t.Fatalf("assistant's numbers: %v", list)
	}
	// Burki's assistant-scoped unassign, then PATCH assistant_id back and null.
	h.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/assistants/%v/phone-numbers/%v/unassign", a["id"], n["id"]), h.keyA, nil)
	h.must(http.StatusNotFound, "GET", "/api/v1/assistants/by-phone/+14155550100", h.keyA, nil)
	p := h.must(http.StatusOK, "PATCH", path, h.keyA, map[string]any{"assistant_id": a["id"], "friendly_name": nil, "is_active": false})
	if p["assistant_id"] != a["id"] || p["friendly_name"] != nil || p["is_active"] != false {
		t.Fatalf("patched %v", p)
	}

	// Validation names every field.
	status, out := h.call("POST", "/api/v1/phone-numbers", h.keyA, `{"phone_number":"555-0100","provider":"pigeon","colour":"red"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "phone_number") ||
		!strings.Contains(fmt.Sprint(out), "provider") || !strings.Contains(fmt.Sprint(out), "colour") {
		t.Fatalf("bad body: %d %v", status, out)
	}
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/phone-numbers", h.keyA, `{"provider":"twilio"}`)
	h.must(http.StatusUnprocessableEntity, "PATCH", path, h.keyA, `{"phone_number":"+14155550199"}`)
	h.must(http.StatusConflict, "POST", "/api/v1/phone-numbers", h.keyB, `{"phone_number":"+14155550100","provider":"twilio"}`)

	// Another organization sees nothing and cannot assign its assistant.
	b := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyB, `{"name":"other"}`)
	h.must(http.StatusNotFound, "GET", path, h.keyB, nil)
	h.must(http.StatusNotFound, "PATCH", path, h.keyB, `{"is_active":true}`)
	h.must(http.StatusNotFound, "DELETE", path, h.keyB, nil)
	h.must(http.StatusNotFound, "GET", "/api/v1/assistants/by-phone/+14155550100", h.keyB, nil)
	h.must(http.StatusUnprocessableEntity, "POST", path+"/assign", h.keyA, map[string]any{"assistant_id": b["id"]})

	// Deleting the assistant unassigns the number; deleting the number removes it.
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/assistants/%v", a["id"]), h.keyA, nil)
	if got := h.must(http.StatusOK, "GET", path, h.keyA, nil); got["assistant_id"] != nil {
		t.Fatalf("number still assigned to a deleted assistant: %v", got)
	}
	h.must(http.StatusOK, "DELETE", path, h.keyA, nil)
	h.must(http.StatusNotFound, "GET", path, h.keyA, nil)
}

func TestOrganizationSettings(t *testing.T) {
	h := newHarness(t)
	o := h.must(http.StatusOK, "GET", "/api/v1/organization", h.keyA, nil)
	if o["name"] != "Org A" || get(o, "settings", "webhook_secret") != "********" {
		t.Fatalf("organization %v", o)
	}
	p := h.must(http.StatusOK, "PATCH", "/api/v1/organization", h.keyA,
		`{"provider_keys":{"deepgram_api_key":"dg-org-key"},"twilio":{"account_sid":"AC9","auth_token":"tw-org-token"}}`)
	if get(p, "settings", "provider_keys", "deepgram_api_key") != "********" || get(p, "settings", "twilio", "account_sid") != "AC9" {
		t.Fatalf("patched %v", p)
	}
	if strings.Contains(fmt.Sprint(p), "dg-org-key") || strings.Contains(fmt.Sprint(p), "tw-org-token") {
		t.Fatal("secret returned in clear")
	}
	if burki := h.must(http.StatusOK, "GET", "/api/v1/assistants/me/organization", h.keyA, nil); burki["id"] != o["id"] {
		t.Fatalf("Burki's path: %v", burki)
	}
	rot := h.must(http.StatusOK, "POST", "/api/v1/organization/webhook-secret", h.keyA, nil)
	if !strings.HasPrefix(fmt.Sprint(rot["webhook_secret"]), "whsec_") {
		t.Fatalf("rotation %v", rot)
	}
	h.must(http.StatusUnprocessableEntity, "PATCH", "/api/v1/organization", h.keyA, `{"concurrency":{"deepgram":0}}`)

	// Only admins change organization settings.
	viewer := h.roleKey("Org B", "viewer@b.test", auth.RoleViewer)
	h.must(http.StatusForbidden, "PATCH", "/api/v1/organization", viewer, `{"provider_keys":{}}`)
	h.must(http.StatusForbidden, "POST", "/api/v1/organization/webhook-secret", viewer, nil)
	h.must(http.StatusOK, "GET", "/api/v1/organization", viewer, nil)
}
