package api_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"testing"

	"github.com/switchboard-voice/switchboard/http/api"
)

// Famulor's make_call places the call from the assistant's number, with
// its variables, and answers and refuses in Famulor's shapes.
func TestFamulorMakeCall(t *testing.T) {
	h := newCallsHarness(t)
	x := h.assistant(h.keyA, map[string]any{"name": "X", "webhook_url": "https://hooks.test/x",
		"webhook_settings": map[string]any{"format": "famulor"}})
	bare := h.assistant(h.keyA, map[string]any{"name": "No number"})
	z := h.assistant(h.keyB, map[string]any{"name": "Z"})
	h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyA, map[string]any{"phone_number": "+15550000000",
		"provider": "telnyx", "assistant_id": x})

	for _, c := range []struct {
		body   any
		fields []string
	}{
		{map[string]any{}, []string{"assistant_id", "phone_number"}},
		{map[string]any{"assistant_id": x, "phone_number": "0151 123"}, []string{"phone_number"}},
		{map[string]any{"assistant_id": 1.5, "phone_number": "+15551234567"}, []string{"assistant_id"}},
		{map[string]any{"assistant_id": x, "phone_number": "+15551234567", "colour": "red"}, []string{"colour"}},
		{map[string]any{"assistant_id": x, "phone_number": "+15551234567", "variables": map[string]any{"bad name": "x", "ok": []any{1}}},
			[]string{"variables.bad name", "variables.ok"}},
		{map[string]any{"assistant_id": bare, "phone_number": "+15551234567"}, []string{"assistant_id"}},
	} {
		status, out := h.call("POST", "/api/user/make_call", h.keyA, c.body)
		fields := famulorErrors(h.harness, status, out)
		sort.Strings(fields)
		if !reflect.DeepEqual(fields, c.fields) {
			t.Errorf("%v: errors on %v, want %v: %v", c.body, fields, c.fields, out)
		}
	}
	if status, out := h.call("POST", "/api/user/make_call", h.keyA, map[string]any{"assistant_id": z, "phone_number": "+15551234567"}); status != http.StatusNotFound ||
		out["message"] == nil {
		t.Fatalf("another organization's assistant: %d %v", status, out)
	}
	body := map[string]any{"assistant_id": x, "phone_number": "+15551234567"}
	h.dialer.err = errors.New("carrier down")
	if status, out := h.call("POST", "/api/user/make_call", h.keyA, body); status != http.StatusBadGateway || out["message"] == nil {
		t.Fatalf("carrier failure: %d %v", status, out)
	}
	h.dialer.err = api.ErrUnknownNumber
	if status, out := h.call("POST", "/api/user/make_call", h.keyA, body); status != http.StatusUnprocessableEntity || get(out, "errors", "assistant_id") == nil {
		t.Fatalf("a number its carrier cannot call from: %d %v", status, out)
	}
	h.dialer.err = nil
	if len(h.dialer.calls) != 0 {
		t.Fatalf("refused calls were dialed: %+v", h.dialer.calls)
	}

	// by uuid, with variables of each kind
	uuid := h.must(http.StatusOK, "GET", "/api/v1/assistants/"+itoa(x), h.keyA, nil)["uuid"]
	body = map[string]any{"assistant_id": uuid, "phone_number": "+15551234567",
		"variables": map[string]any{"customer_name": "Ada", "age": 42, "vip": true}}
	out := h.checkExchange(h.openAPI(), h.keyA, exchange{method: "POST", path: "/api/user/make_call", op: "/api/user/make_call",
		body: body, status: http.StatusOK})
	want := api.OutboundCall{OrganizationID: h.orgA, AssistantID: x, From: "+15550000000", To: "+15551234567",
		Variables: map[string]string{"customer_name": "Ada", "age": "42", "vip": "true"}}
	if out["message"] != "Call initiated successfully" || get(out, "data", "call_sid") != "CAOUT1" || get(out, "data", "status") != "queued" ||
		len(h.dialer.calls) != 1 || !reflect.DeepEqual(h.dialer.calls[0], want) {
		t.Fatalf("placed %v, dialed %+v", out, h.dialer.calls)
	}
	// the placed call keeps the assistant's webhook settings
	h.flush()
	var format string
	if err := h.pool.QueryRow(context.Background(), `SELECT webhook_format FROM calls WHERE call_sid = 'CAOUT1'`).Scan(&format); err != nil || format != "famulor" {
		t.Fatalf("the placed call's webhook format %q: %v", format, err)
	}
}
