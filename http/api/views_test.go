package api_test

import (
	"net/http"
	"strconv"
	"testing"
)

// The vendor views' real exchanges match the schemas the OpenAPI document
// gives them, and the bodies sent match the request schemas.
func TestOpenAPIDescribesTheVendorViews(t *testing.T) {
	h := newHarness(t)
	doc := h.openAPI()
	ex := func(x exchange) map[string]any { return h.checkExchange(doc, h.keyA, x) }

	created := ex(exchange{method: "POST", path: "/api/user/assistant", op: "/api/user/assistant", body: famulorCreate(), status: http.StatusCreated})
	id := int64(created["data"].(map[string]any)["id"].(float64))
	path := "/api/user/assistant/" + itoa(id)
	ex(exchange{method: "PUT", path: path, op: "/api/user/assistant/{id}", body: map[string]any{"initial_message": nil, "max_duration": 60}, status: http.StatusOK})
	ex(exchange{method: "PUT", path: path, op: "/api/user/assistant/{id}", body: map[string]any{"colour": "red"}, badBody: true, status: http.StatusUnprocessableEntity})
	ex(exchange{method: "GET", path: path, op: "/api/user/assistant/{id}", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/user/assistants/get?per_page=5", op: "/api/user/assistants/get", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/user/assistants", op: "/api/user/assistants", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/user/assistants/voices?language_id=1", op: "/api/user/assistants/voices", status: http.StatusOK})
	h.checkExchange(doc, h.keyB, exchange{method: "DELETE", path: path, op: "/api/user/assistant/{id}", status: http.StatusNotFound})
	h.checkExchange(doc, "", exchange{method: "GET", path: "/api/user/assistants", op: "/api/user/assistants", status: http.StatusUnauthorized})
	toggle := map[string]any{"assistant_id": id}
	ex(exchange{method: "POST", path: "/api/user/assistants/disable-webhook", op: "/api/user/assistants/disable-webhook", body: toggle, status: http.StatusOK})
	h.checkExchange(doc, h.keyB, exchange{method: "POST", path: "/api/user/assistants/disable-inbound-webhook",
		op: "/api/user/assistants/disable-inbound-webhook", body: toggle, status: http.StatusNotFound})
	toggle["webhook_url"] = "https://hooks.test/famulor"
	ex(exchange{method: "POST", path: "/api/user/assistants/enable-webhook", op: "/api/user/assistants/enable-webhook", body: toggle, status: http.StatusOK})
	if out := ex(exchange{method: "POST", path: "/api/user/assistants/enable-inbound-webhook", op: "/api/user/assistants/enable-inbound-webhook",
		body: toggle, status: http.StatusUnprocessableEntity}); get(out, "errors", "webhook_url") == nil {
		t.Fatalf("enabling the inbound webhook: %v", out)
	}
	ex(exchange{method: "DELETE", path: path, op: "/api/user/assistant/{id}", status: http.StatusOK})
	if me := ex(exchange{method: "GET", path: "/api/user/me", op: "/api/user/me", status: http.StatusOK}); me["name"] != "Org A" || me["email"] != "a@a.test" {
		t.Fatalf("me: %v", me)
	}

	a := ex(exchange{method: "POST", path: vd + "/assistants", op: vd + "/assistants", body: voiceDockFull(), status: http.StatusCreated})
	uuid := a["assistant"].(map[string]any)["id"].(string)
	ex(exchange{method: "PATCH", path: vd + "/assistants/" + uuid, op: vd + "/assistants/{uuid}",
		body: map[string]any{"first_message": "Hi", "llm_config": map[string]any{"tools": []any{map[string]any{"type": "function",
			"function": map[string]any{"name": "f", "description": "d", "parameters": map[string]any{"type": "object"}},
			"server":   map[string]any{"url": "https://tools.test/f"}}}}}, status: http.StatusOK})
	ex(exchange{method: "PATCH", path: vd + "/agents/" + uuid, op: vd + "/agents/{uuid}", body: map[string]any{"colour": "red"},
		badBody: true, status: http.StatusBadRequest})
	ex(exchange{method: "GET", path: vd + "/assistants/" + uuid, op: vd + "/assistants/{uuid}", status: http.StatusOK})
	ex(exchange{method: "GET", path: vd + "/agents", op: vd + "/agents", status: http.StatusOK})
	h.checkExchange(doc, h.keyB, exchange{method: "GET", path: vd + "/assistants/" + uuid, op: vd + "/assistants/{uuid}", status: http.StatusNotFound})
	h.checkExchange(doc, "", exchange{method: "GET", path: vd + "/assistants", op: vd + "/assistants", status: http.StatusUnauthorized})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
