package tools

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

var inbound = &voice.CallInfo{ID: "CA1", AssistantID: 3, From: "+15550001111", To: "+15550002222", Direction: "inbound"}

func withTool(ct assistant.CustomTool) assistant.Config {
	cfg := assistant.Defaults()
	if ct.Method == "" {
		ct.Method = "POST"
	}
	if ct.TimeoutSeconds == 0 {
		ct.TimeoutSeconds = 10
	}
	ct.Enabled = true
	cfg.ToolsSettings.CustomTools = []assistant.CustomTool{ct}
	return cfg
}

func TestPostsArgumentsAndReturnsTheAnswer(t *testing.T) {
	var got struct {
		method, auth, callID, toolCallID, contentType string
		body                                          map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.auth = r.Method, r.Header.Get("Authorization")
		got.callID, got.toolCallID = r.Header.Get("X-Switchboard-Call-Id"), r.Header.Get("X-Switchboard-Tool-Call-Id")
		got.contentType = r.Header.Get("Content-Type")
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		_, _ = io.WriteString(w, `{"status":"confirmed","slot":"9:30"}`+"\n")
	}))
	defer srv.Close()
	cfg := withTool(assistant.CustomTool{Name: "book", URL: srv.URL + "/book", Headers: map[string]string{"Authorization": "Bearer s3cret"}})
	var r Runner
	res, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{ID: "tc1", Name: "book", Arguments: `{"day":"monday","people":2}`})
	if err != nil {
		t.Fatal(err)
	}
	if res != `{"status":"confirmed","slot":"9:30"}` {
		t.Fatalf("result %q", res)
	}
	if got.method != "POST" || got.auth != "Bearer s3cret" || got.callID != "CA1" || got.toolCallID != "tc1" ||
		got.contentType != "application/json" || got.body["day"] != "monday" || got.body["people"] != 2.0 {
		t.Fatalf("request %+v", got)
	}
}

func TestGetSendsArgumentsAsQuery(t *testing.T) {
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	cfg := withTool(assistant.CustomTool{Name: "lookup", Method: "GET", URL: srv.URL + "/orders?v=2"})
	var r Runner
	res, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: "lookup", Arguments: `{"order":"A-17","items":[1,2]}`})
	if err != nil || res != `{"status":"ok"}` {
		t.Fatalf("result %q, %v", res, err)
	}
	if query != "items=%5B1%2C2%5D&order=A-17&v=2" {
		t.Fatalf("query %q", query)
	}
}

func TestFailuresAreToldToTheModel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case "/slow":
			_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
			<-r.Context().Done()
		case "/huge":
			_, _ = io.WriteString(w, strings.Repeat("é", maxResult))
		}
	}))
	defer srv.Close()
	var r Runner
	run := func(path, args string, timeout float64) (string, error) {
		cfg := withTool(assistant.CustomTool{Name: "t", URL: srv.URL + path + "?key=hidden", TimeoutSeconds: timeout})
		return r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: "t", Arguments: args})
	}
	if _, err := run("/down", `{}`, 10); err == nil || !strings.Contains(err.Error(), "HTTP 503: maintenance") {
		t.Fatalf("down: %v", err)
	}
	if _, err := run("/slow", `{}`, 0.5); err == nil || !strings.Contains(err.Error(), "no answer within 500ms") ||
		strings.Contains(err.Error(), "hidden") {
		t.Fatalf("slow: %v", err)
	}
	if _, err := run("/down", `not json`, 10); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Fatalf("bad arguments: %v", err)
	}
	res, err := run("/huge", ``, 10)
	if err != nil || !strings.HasSuffix(res, "…(truncated)") || len(res) > maxResult+20 || !strings.HasPrefix(res, "éé") {
		t.Fatalf("huge: %d bytes, %v", len(res), err)
	}
	cfg := withTool(assistant.CustomTool{Name: "t", URL: srv.URL})
	cfg.ToolsSettings.CustomTools[0].Enabled = false
	if _, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: "t"}); !errors.Is(err, ErrUnknownTool) {
		t.Fatalf("disabled tool: %v", err)
	}
}

type texts struct {
	to, body string
	err      error
}

func (s *texts) SendSMS(_ context.Context, _ *voice.CallInfo, _ assistant.Config, to, body string) (string, error) {
	s.to, s.body = to, body
	return "SM1", s.err
}

func TestSendSMSTextsTheCustomer(t *testing.T) {
	cfg := assistant.Defaults()
	def := "Your booking link: https://example.com/b"
	cfg.ToolsSettings.SendSMS.Enabled, cfg.ToolsSettings.SendSMS.DefaultMessage = true, &def
	sms := &texts{}
	r := Runner{SMS: sms}
	res, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: call.ToolSendSMS, Arguments: `{}`})
	if err != nil || res != `{"status":"sent"}` || sms.to != inbound.From || sms.body != def {
		t.Fatalf("result %q %v; sent %q to %q", res, err, sms.body, sms.to)
	}
	out := *inbound
	out.Direction = "outbound"
	if _, err := r.RunTool(t.Context(), &out, cfg, voice.ToolCall{Name: call.ToolSendSMS, Arguments: `{"message":"hi"}`}); err != nil ||
		sms.to != out.To || sms.body != "hi" {
		t.Fatalf("outbound: %v, sent %q to %q", err, sms.body, sms.to)
	}
	sms.err = errors.New("carrier said no")
	if _, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: call.ToolSendSMS}); err == nil || !strings.Contains(err.Error(), "carrier said no") {
		t.Fatalf("carrier failure: %v", err)
	}
	long := `{"message":"` + strings.Repeat("a", maxSMS+1) + `"}`
	if _, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: call.ToolSendSMS, Arguments: long}); err == nil {
		t.Fatal("an overlong text was accepted")
	}
	if _, err := (&Runner{}).RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: call.ToolSendSMS}); !errors.Is(err, ErrNoSMS) {
		t.Fatalf("no SMS sender: %v", err)
	}
	cfg.ToolsSettings.SendSMS.Enabled = false
	if _, err := r.RunTool(t.Context(), inbound, cfg, voice.ToolCall{Name: call.ToolSendSMS}); !errors.Is(err, ErrUnknownTool) {
		t.Fatalf("disabled: %v", err)
	}
}
