package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/openapi/openapitest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/secrets"
)

// openAPI fetches the served document, without an API key.
func (h *harness) openAPI() *openapitest.Document {
	h.t.Helper()
	status, body := h.raw("GET", "/openapi.json", "", nil)
	if status != http.StatusOK {
		h.t.Fatalf("GET /openapi.json: %d %s", status, body)
	}
	doc, err := openapitest.Parse(body)
	if err != nil {
		h.t.Fatal(err)
	}
	return doc
}

// Every route of the engine's app is in the document, and every operation
// of the document is a route.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	h := newHarness(t)
	undocumented, unrouted := h.openAPI().Compare(h.app.GetRoutes(true))
	if len(undocumented) > 0 {
		t.Errorf("routes missing from /openapi.json (register them through openapi.Router with their operation): %s",
			strings.Join(undocumented, ", "))
	}
	if len(unrouted) > 0 {
		t.Errorf("operations in /openapi.json that no route serves: %s", strings.Join(unrouted, ", "))
	}
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	h := newHarness(t)
	for _, err := range h.openAPI().Check() {
		t.Error(err)
	}
}

// exchange is one request to the running app, checked against the
// document: the body sent against the operation's request schema, the
// response against the schema for its status.
type exchange struct {
	method, path string // the request
	op           string // the OpenAPI path of its operation
	body         any
	badBody      bool // the body is invalid: the request schema must reject it too
	status       int
}

func (h *harness) checkExchange(doc *openapitest.Document, key string, x exchange) map[string]any {
	h.t.Helper()
	if x.body != nil {
		data, err := json.Marshal(x.body)
		if s, ok := x.body.(string); ok {
			data, err = []byte(s), nil
		}
		if err != nil {
			h.t.Fatal(err)
		}
		err = doc.ValidateRequest(x.method, x.op, data)
		switch {
		case err != nil && !x.badBody:
			h.t.Errorf("%s %s: the body sent does not match the documented request schema: %v", x.method, x.path, err)
		case err == nil && x.badBody:
			h.t.Errorf("%s %s: the documented request schema accepts the invalid body %s", x.method, x.path, data)
		}
	}
	status, raw := h.raw(x.method, x.path, key, x.body)
	if status != x.status {
		h.t.Fatalf("%s %s: status %d, want %d: %s", x.method, x.path, status, x.status, raw)
	}
	if err := doc.ValidateResponse(x.method, x.op, status, raw); err != nil {
		h.t.Errorf("%s %s: the %d response does not match the document: %v\n%s", x.method, x.path, status, err, raw)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatal(err)
	}
	m, _ := out.(map[string]any) // nil for a list
	return m
}

// Real responses of representative operations match the schemas the
// document gives them, secrets included, and the bodies sent match the
// request schemas.
func TestOpenAPIDescribesRealExchanges(t *testing.T) {
	h := newHarness(t)
	doc := h.openAPI()
	ex := func(x exchange) map[string]any { return h.checkExchange(doc, h.keyA, x) }

	a := ex(exchange{method: "POST", path: "/api/v1/assistants", op: "/api/v1/assistants", status: http.StatusCreated,
		body: map[string]any{
			"name":                "Documented",
			"llm_provider_config": map[string]any{"api_key": "sk-live", "model": "gpt-4o"},
			"api_keys":            map[string]any{"deepgram_api_key": "dg"},
			"twilio_config":       map[string]any{"account_sid": "AC1", "auth_token": "tw"},
			"tools_settings": map[string]any{"custom_tools": []any{map[string]any{
				"name": "lookup", "description": "Find an order", "url": "https://example.com/orders",
				"headers": map[string]any{"Authorization": "Bearer x"},
			}}},
			"llm_fallback_providers": map[string]any{"enabled": true, "fallbacks": []any{
				map[string]any{"provider": "groq", "api_key": "gsk", "model": "llama"}}},
			"stt_settings":       map[string]any{"keywords": []any{map[string]any{"keyword": "Acme"}}},
			"change_description": "first",
		}})
	id := fmt.Sprint(a["id"])
	one := "/api/v1/assistants/{assistant_id}"
	ex(exchange{method: "PATCH", path: "/api/v1/assistants/" + id, op: one, status: http.StatusOK,
		body: map[string]any{"llm_settings": map[string]any{"temperature": 0.9}, "description": nil}})
	// A fetched assistant sent back unchanged is a valid write.
	got := ex(exchange{method: "GET", path: "/api/v1/assistants/" + id, op: one, status: http.StatusOK})
	ex(exchange{method: "PUT", path: "/api/v1/assistants/" + id, op: one, status: http.StatusOK, body: got})
	ex(exchange{method: "PATCH", path: "/api/v1/assistants/" + id + "/status", op: one + "/status", status: http.StatusOK,
		body: map[string]any{"is_active": false}})
	ex(exchange{method: "GET", path: "/api/v1/assistants?limit=5", op: "/api/v1/assistants", status: http.StatusOK})
	hist := ex(exchange{method: "GET", path: "/api/v1/assistants/" + id + "/settings-history", op: one + "/settings-history", status: http.StatusOK})
	entry := fmt.Sprint(hist["items"].([]any)[0].(map[string]any)["id"])
	ex(exchange{method: "GET", path: "/api/v1/assistants/" + id + "/settings-history/" + entry,
		op: one + "/settings-history/{version_id}", status: http.StatusOK})
	ex(exchange{method: "POST", path: "/api/v1/assistants/" + id + "/settings-history/" + entry + "/rollback",
		op: one + "/settings-history/{version_id}/rollback", status: http.StatusOK, body: map[string]any{"change_description": "undo"}})

	// Validation errors, authentication and absence.
	ex(exchange{method: "PATCH", path: "/api/v1/assistants/" + id, op: one, status: http.StatusUnprocessableEntity,
		body: `{"tts_limit":2000,"llm_settings":{"temperature":3},"mystery":1}`, badBody: true})
	ex(exchange{method: "GET", path: "/api/v1/assistants/abc", op: one, status: http.StatusUnprocessableEntity})
	ex(exchange{method: "GET", path: "/api/v1/assistants/999999", op: one, status: http.StatusNotFound})
	h.checkExchange(doc, "", exchange{method: "GET", path: "/api/v1/assistants", op: "/api/v1/assistants", status: http.StatusUnauthorized})

	// Phone numbers.
	n := ex(exchange{method: "POST", path: "/api/v1/phone-numbers", op: "/api/v1/phone-numbers", status: http.StatusCreated,
		body: map[string]any{"phone_number": "+14155550100", "provider": "twilio", "friendly_name": "Main", "assistant_id": a["id"]}})
	nid := fmt.Sprint(n["id"])
	ex(exchange{method: "POST", path: "/api/v1/phone-numbers", op: "/api/v1/phone-numbers", status: http.StatusCreated,
		body: map[string]any{"phone_number": "+14155550101", "provider": "telnyx"}})
	ex(exchange{method: "GET", path: "/api/v1/phone-numbers", op: "/api/v1/phone-numbers", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/assistants/" + id + "/phone-numbers", op: one + "/phone-numbers", status: http.StatusOK})
	ex(exchange{method: "PATCH", path: "/api/v1/phone-numbers/" + nid, op: "/api/v1/phone-numbers/{phone_number_id}", status: http.StatusOK,
		body: map[string]any{"friendly_name": nil, "assistant_id": nil, "is_active": false}})
	ex(exchange{method: "POST", path: "/api/v1/phone-numbers/" + nid + "/assign", op: "/api/v1/phone-numbers/{phone_number_id}/assign",
		status: http.StatusOK, body: map[string]any{"assistant_id": a["id"]}})
	ex(exchange{method: "GET", path: "/api/v1/assistants/by-phone/+14155550100", op: "/api/v1/assistants/by-phone/{phone_number}", status: http.StatusOK})
	ex(exchange{method: "POST", path: "/api/v1/phone-numbers", op: "/api/v1/phone-numbers", status: http.StatusConflict,
		body: map[string]any{"phone_number": "+14155550100", "provider": "twilio"}})
	ex(exchange{method: "POST", path: "/api/v1/phone-numbers", op: "/api/v1/phone-numbers", status: http.StatusUnprocessableEntity,
		body: `{"phone_number":"555","provider":"pigeon","colour":"red"}`, badBody: true})
	ex(exchange{method: "DELETE", path: "/api/v1/phone-numbers/" + nid, op: "/api/v1/phone-numbers/{phone_number_id}", status: http.StatusOK})

	// The organization, with every kind of secret set.
	ex(exchange{method: "PATCH", path: "/api/v1/organization", op: "/api/v1/organization", status: http.StatusOK,
		body: map[string]any{
			"provider_keys": map[string]any{"openai_api_key": "sk-org"},
			"concurrency":   map[string]any{"deepgram": 10},
			"twilio":        map[string]any{"account_sid": "AC9", "auth_token": "tok"},
			"vonage":        map[string]any{"api_key": "k", "api_secret": "s", "private_key": "pk", "signature_secret": "sig"},
		}})
	ex(exchange{method: "PUT", path: "/api/v1/organization", op: "/api/v1/organization", status: http.StatusOK,
		body: map[string]any{
			"provider_keys": map[string]any{"openai_api_key": "********"},
			"plivo":         map[string]any{"auth_id": "MA1", "auth_token": "pt"},
		}})
	ex(exchange{method: "GET", path: "/api/v1/organization", op: "/api/v1/organization", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/assistants/me/organization", op: "/api/v1/assistants/me/organization", status: http.StatusOK})
	ex(exchange{method: "POST", path: "/api/v1/organization/webhook-secret", op: "/api/v1/organization/webhook-secret", status: http.StatusOK})

	// Assistants' count, export, providers and duplicate.
	ex(exchange{method: "GET", path: "/api/v1/assistants/count?is_active=false", op: "/api/v1/assistants/count", status: http.StatusOK})
	h.checkExchange(doc, h.keyA, exchange{method: "GET", path: "/api/v1/assistants/export?format=json", op: "/api/v1/assistants/export", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/assistants/export?format=pdf", op: "/api/v1/assistants/export", status: http.StatusUnprocessableEntity})
	ex(exchange{method: "GET", path: "/api/v1/assistants/providers", op: "/api/v1/assistants/providers", status: http.StatusOK})
	ex(exchange{method: "POST", path: "/api/v1/assistants/" + id + "/duplicate", op: one + "/duplicate", status: http.StatusCreated,
		body: map[string]any{"name": "Documented copy"}})
	ex(exchange{method: "POST", path: "/api/v1/assistants/" + id + "/duplicate", op: one + "/duplicate", status: http.StatusUnprocessableEntity,
		body: `{"name":1}`, badBody: true})

	// Calls' count, stats, analytics and export.
	h.insertCalls("Org A", a["id"], "CAX1 completed 2026-11-20T10:00:00Z 61000 customer-ended-call", "CAX2 busy 2026-11-20T10:05:00Z - -")
	ex(exchange{method: "GET", path: "/api/v1/calls/count?status=busy", op: "/api/v1/calls/count", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/calls/stats", op: "/api/v1/calls/stats", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/calls/analytics?interval=hour&date_from=2026-11-20&turns=true", op: "/api/v1/calls/analytics", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/api/v1/calls/analytics?interval=minute", op: "/api/v1/calls/analytics", status: http.StatusUnprocessableEntity})
	h.checkExchange(doc, h.keyA, exchange{method: "GET", path: "/api/v1/calls/export?format=json", op: "/api/v1/calls/export", status: http.StatusOK})
	var cax int64
	if err := h.pool.QueryRow(context.Background(), `SELECT id FROM calls WHERE call_sid = 'CAX1'`).Scan(&cax); err != nil {
		t.Fatal(err)
	}
	h.checkExchange(doc, h.keyA, exchange{method: "GET", path: fmt.Sprintf("/api/v1/calls/%d/transcripts/export?format=json", cax),
		op: "/api/v1/calls/{call_id}/transcripts/export", status: http.StatusOK})

	// API keys.
	myKeys, orgKeys := "/api/v1/users/me/api-keys", "/api/v1/api-keys"
	k := ex(exchange{method: "POST", path: myKeys, op: myKeys, status: http.StatusCreated,
		body: map[string]any{"name": "ci", "expires_at": "2099-01-02T03:04:05Z"}})
	kid := fmt.Sprint(get(k, "api_key", "id"))
	h.checkExchange(doc, k["key"].(string), exchange{method: "GET", path: myKeys, op: myKeys, status: http.StatusOK})
	ex(exchange{method: "GET", path: orgKeys, op: orgKeys, status: http.StatusOK})
	ex(exchange{method: "PUT", path: myKeys + "/" + kid, op: myKeys + "/{key_id}", status: http.StatusOK, body: map[string]any{"name": "deploy"}})
	ex(exchange{method: "PUT", path: orgKeys + "/" + kid, op: orgKeys + "/{key_id}", status: http.StatusOK, body: map[string]any{"name": "deploy"}})
	ex(exchange{method: "POST", path: myKeys, op: myKeys, status: http.StatusUnprocessableEntity, body: `{"name":3,"scopes":[]}`, badBody: true})
	ex(exchange{method: "DELETE", path: orgKeys + "/" + kid, op: orgKeys + "/{key_id}", status: http.StatusOK})
	ex(exchange{method: "DELETE", path: myKeys + "/" + kid, op: myKeys + "/{key_id}", status: http.StatusOK})
	ex(exchange{method: "DELETE", path: orgKeys + "/999999", op: orgKeys + "/{key_id}", status: http.StatusNotFound})

	ex(exchange{method: "DELETE", path: "/api/v1/assistants/" + id, op: one, status: http.StatusOK})
	ex(exchange{method: "GET", path: "/healthz", op: "/healthz", status: http.StatusOK})
	ex(exchange{method: "GET", path: "/readyz", op: "/readyz", status: http.StatusOK})
}

// engineOnly are the rules of assistant and organization writes that the
// schemas cannot express: relations between fields, paths that must stay
// inside the recordings root, a masked secret sent back where nothing is
// stored to keep, integers written with an exponent or a fraction (1e6,
// 2.0), which JSON Schema counts as integers, time zones the engine's
// zone database knows, and a structured-data schema that compiles.
var engineOnly = []string{
	"transfer number", "clashes with a built-in", "duplicate custom tool", "at least one fallback",
	"needs its own model", "takes tool-calls", "is VoiceDock's",
	"smaller than chunk_size", "inside the recordings root", "no stored secret", "must be an integer",
	"IANA time zone", "not a usable JSON Schema",
}

// writeProbes are a value of each kind and of each rule's shape (fewer
// than testkit.Probes: the configuration is large).
var writeProbes = []any{nil, " ", "x", "https://a.example", "+14155550100", "../up", assistant.Mask,
	json.Number("-1"), json.Number("0.5"), json.Number("1e6"), true, map[string]any{}, []any{}, []any{"x"}}

// agreeWithSchema runs mutations of a valid body through the engine's own
// handling (apply) and the document's request schema: the schema must
// accept every body the engine accepts, and reject every body the engine
// rejects except for the engine-only rules.
func agreeWithSchema(t *testing.T, doc *openapitest.Document, method, op string, full map[string]any, apply func([]byte) error) {
	t.Helper()
	bodies := append(testkit.Mutations(full, writeProbes), full)
	both := 0
	for _, b := range bodies {
		if _, isObject := b.(map[string]any); !isObject {
			continue
		}
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		engineErr := apply(data)
		schemaErr := doc.ValidateRequest(method, op, data)
		switch {
		case engineErr == nil && schemaErr != nil:
			t.Errorf("%s %s: the schema rejects a body the engine accepts: %s\n%v", method, op, data, schemaErr)
		case engineErr != nil && schemaErr == nil && !onlyEngineRules(engineErr):
			t.Errorf("%s %s: the schema accepts a body the engine rejects (%v): %s", method, op, engineErr, data)
		case engineErr != nil && schemaErr != nil:
			both++
		}
	}
	if both < len(bodies)/3 {
		t.Errorf("%s %s: only %d of %d bodies rejected by both", method, op, both, len(bodies))
	}
}

func onlyEngineRules(err error) bool {
	var ve *typeddoc.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, fe := range ve.Errors {
		if !slices.ContainsFunc(engineOnly, func(s string) bool { return strings.Contains(fe.Msg, s) }) {
			return false
		}
	}
	return true
}

// The documented write schemas agree with what assistant and organization
// writes accept, over thousands of mutations of valid bodies.
func TestOpenAPIWriteSchemasAgreeWithValidation(t *testing.T) {
	h := newHarness(t)
	doc := h.openAPI()
	box, err := secrets.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	full := typeddoc.Clone(assistant.Schema().Defaults()).(map[string]any)
	full["name"] = "Full"
	full["change_description"] = "all fields"
	full["tools_settings"] = map[string]any{"custom_tools": []any{map[string]any{
		"name": "lookup", "description": "d", "url": "https://t.example", "headers": map[string]any{"X-Key": "k"}}}}
	full["stt_settings"] = map[string]any{"keywords": []any{map[string]any{"keyword": "Acme"}}}
	full["llm_fallback_providers"] = map[string]any{"fallbacks": []any{map[string]any{"provider": "groq", "api_key": "gsk"}}}
	full["twilio_config"] = map[string]any{"account_sid": "AC1", "auth_token": "tok"}
	full["api_keys"] = map[string]any{"deepgram_api_key": "dg"}

	write := func(stored assistant.Document) func([]byte) error {
		return func(body []byte) error {
			w, err := assistant.ParseWrite(body)
			if err == nil {
				_, err = assistant.Apply(stored, w, box)
			}
			return err
		}
	}
	agreeWithSchema(t, doc, "POST", "/api/v1/assistants", full, write(nil))
	w, err := assistant.ParseWrite(mustJSON(t, full))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := assistant.Apply(nil, w, box)
	if err != nil {
		t.Fatal(err)
	}
	agreeWithSchema(t, doc, "PATCH", "/api/v1/assistants/{assistant_id}", full, write(stored.Doc))

	settings := map[string]any{
		"provider_keys": map[string]any{"openai_api_key": "sk"}, "concurrency": map[string]any{"deepgram": json.Number("5")},
		"twilio": map[string]any{"account_sid": "AC", "auth_token": "t"}, "telnyx": map[string]any{"api_key": "k"},
		"vonage": map[string]any{"api_secret": "s"}, "plivo": map[string]any{"auth_id": "MA", "auth_token": "p"},
	}
	for method, how := range map[string]func(stored, body typeddoc.Document, s organization.Sealer) (organization.Result, error){
		"PATCH": organization.Apply, "PUT": organization.Replace,
	} {
		agreeWithSchema(t, doc, method, "/api/v1/organization", settings, func(body []byte) error {
			doc, err := typeddoc.DecodeDocument(body)
			if err == nil {
				_, err = how(nil, doc, box)
			}
			return err
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
