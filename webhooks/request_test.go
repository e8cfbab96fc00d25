package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// An assistant-request is VoiceDock's envelope, signed with the
// assistant's secret or else the organization's, and its answer decoded.
func TestAssistantRequest(t *testing.T) {
	var got struct {
		header http.Header
		body   []byte
	}
	answer, status := "", http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.header, got.body = r.Header.Clone(), must(io.ReadAll(r.Body))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	d := webhooks.New(webhooks.Options{Secrets: secrets{org: 1}, Clock: clock.NewVirtual(t0)})
	call := webhooks.RequestCall{OrganizationID: 1, ID: "CA1", Type: "inbound_phone_call", From: "+15550001111",
		To: "+15550007777", AssistantUUID: "3be350b2-56b5-4ae7-95cf-2f2bda894a61", AssistantName: "Chez Ada"}

	answer = `{"assistant":{"first_message":"Hi."}}`
	a, err := d.AssistantRequest(t.Context(), srv.URL, call)
	if err != nil || string(a.Assistant) != `{"first_message":"Hi."}` || a.Reject != "" {
		t.Fatalf("%+v %v", a, err)
	}
	if want := `{"message":{"type":"assistant-request","timestamp":"2026-11-21T09:00:00Z","call":{"id":"CA1","type":"inbound_phone_call","status":"ringing"},` +
		`"phone_number":{"number":"+15550007777"},"customer":{"number":"+15550001111"},"assistant":{"id":"3be350b2-56b5-4ae7-95cf-2f2bda894a61","name":"Chez Ada"}}}`; string(got.body) != want {
		t.Fatalf("body %s\nwant %s", got.body, want)
	}
	if got.header.Get("X-Webhook-Event") != "assistant-request" || got.header.Get("X-Webhook-Timestamp") != strconv.FormatInt(t0.Unix(), 10) ||
		got.header.Get("X-Webhook-Signature") != webhooks.SignVoiceDock(secret, t0, got.body) {
		t.Fatalf("headers %v", got.header)
	}
	call.Secret = "whsec_assistant"
	answer = `{"error":"We are closed."}`
	if a, err = d.AssistantRequest(t.Context(), srv.URL, call); err != nil || a.Reject != "We are closed." {
		t.Fatalf("%+v %v", a, err)
	}
	if got.header.Get("X-Webhook-Signature") != webhooks.SignVoiceDock("whsec_assistant", t0, got.body) {
		t.Fatalf("not signed with the assistant's secret: %v", got.header)
	}
	status = http.StatusInternalServerError
	if _, err = d.AssistantRequest(t.Context(), srv.URL, call); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("a 500 answered %v", err)
	}
	call.Secret, call.OrganizationID = "", 2
	if _, err = d.AssistantRequest(t.Context(), srv.URL, call); err == nil {
		t.Fatal("sent without a secret")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	call.OrganizationID = 1
	if _, err = d.AssistantRequest(ctx, srv.URL, call); err == nil {
		t.Fatal("answered after its deadline")
	}
}

func TestParseAssistantAnswer(t *testing.T) {
	for body, want := range map[string]string{
		``: `{"Assistant":null,"Reject":""}`, `{}`: `{"Assistant":null,"Reject":""}`, ` {"assistant":null} `: `{"Assistant":null,"Reject":""}`,
		`{"assistant":{"name":"B"}}`:                   `{"Assistant":{"name":"B"},"Reject":""}`,
		`{"error":"Closed.","assistant":{"name":"B"}}`: `{"Assistant":null,"Reject":"Closed."}`,
		`{"error":""}`: "error", `{"error":3}`: "error", `{"assistant":[1]}`: "error", `{"assistant":"x"}`: "error",
		`[]`: "error", `{`: "error",
	} {
		a, err := webhooks.ParseAssistantAnswer([]byte(body))
		got := "error"
		if err == nil {
			got = string(must(json.Marshal(a)))
		}
		if got != want {
			t.Errorf("%q: %s, want %s", body, got, want)
		}
	}
}

func FuzzParseAssistantAnswer(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"assistant":{"first_message":"Hi"}}`, `{"error":"No."}`, `{"assistant":null}`, `[`, `{"error":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := webhooks.ParseAssistantAnswer(body)
		if err != nil {
			return
		}
		if a.Reject != "" && a.Assistant != nil {
			t.Fatalf("both a rejection and an assistant: %+v", a)
		}
		if a.Assistant != nil {
			var m map[string]any
			if json.Unmarshal(a.Assistant, &m) != nil || m == nil {
				t.Fatalf("assistant %s is not an object", a.Assistant)
			}
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestParseToolResult(t *testing.T) {
	for body, want := range map[string]string{
		``: `{"status":"ok"}`,
		`{"results":[{"tool_call_id":"x","result":"No."},{"tool_call_id":"c1","result":"Booked."}]}`: "Booked.",
		`{"results":[{"tool_call_id":"c1","result":{"slots":[8,9]}}]}`:                               `{"slots":[8,9]}`,
		`{"results":[{"tool_call_id":"c1","error":"Fully booked."}]}`:                                "error: Fully booked.",
		`{"results":[{"tool_call_id":"x","result":"No."}]}`:                                          "error: the answer has no result for tool call c1",
		`{"results":[{"tool_call_id":"c1"}]}`:                                                        "error: the answer's result for tool call c1 is empty",
		`{"result":"Booked."}`:                                                                       "Booked.",
		`{"result":4}`:                                                                               "4",
		`{"error":"Fully booked."}`:                                                                  "error: Fully booked.",
		`{"slots":[8,9]}`:                                                                            `{"slots":[8,9]}`,
		`[1,2]`:                                                                                      `[1,2]`,
		`Booked at 8.`:                                                                               `Booked at 8.`,
	} {
		got, err := webhooks.ParseToolResult([]byte(body), "c1")
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != want {
			t.Errorf("%s: %s, want %s", body, got, want)
		}
	}
}

func FuzzParseToolResult(f *testing.F) {
	for _, s := range []string{``, `{"results":[{"tool_call_id":"c1","result":"ok"}]}`, `{"result":{"a":1}}`, `{"error":"no"}`,
		`{"results":null}`, `text`, `{"results":[{"tool_call_id":"c1","error":null,"result":null}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := webhooks.ParseToolResult(body, "c1")
		if err == nil && got == "" && len(bytes.TrimSpace(body)) > 0 {
			if !bytes.Contains(body, []byte(`""`)) {
				t.Fatalf("%q: an empty result", body)
			}
		}
	})
}

// A tool call is VoiceDock's tool-calls envelope, signed.
func TestToolCall(t *testing.T) {
	var body []byte
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, header = must(io.ReadAll(r.Body)), r.Header.Clone()
		_, _ = io.WriteString(w, `{"results":[{"tool_call_id":"c1","result":"Booked."}]}`)
	}))
	defer srv.Close()
	d := webhooks.New(webhooks.Options{Secrets: secrets{org: 1}, Clock: clock.NewVirtual(t0)})
	got, err := d.ToolCall(t.Context(), srv.URL, webhooks.RequestCall{OrganizationID: 1, ID: "CA1", Type: "outbound_phone_call",
		From: "+15550001111", To: "+15550007777"}, "c1", "book_table", json.RawMessage(`{"party_size":4}`))
	if err != nil || got != "Booked." {
		t.Fatalf("%q %v", got, err)
	}
	if want := `{"message":{"type":"tool-calls","timestamp":"2026-11-21T09:00:00Z","call":{"id":"CA1","type":"outbound_phone_call","status":"in-progress"},` +
		`"phone_number":{"number":"+15550007777"},"customer":{"number":"+15550001111"},` +
		`"tool_call_list":[{"id":"c1","type":"function","function":{"name":"book_table","arguments":{"party_size":4}}}]}}`; string(body) != want {
		t.Fatalf("body %s\nwant %s", body, want)
	}
	if header.Get("X-Webhook-Event") != "tool-calls" || header.Get("X-Webhook-Signature") != webhooks.SignVoiceDock(secret, t0, body) {
		t.Fatalf("headers %v", header)
	}
}
