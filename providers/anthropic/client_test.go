package anthropic

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/anthropic/anthropicfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/llmtest"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-ant-test-0123456789"

func startFake(t *testing.T, cfg openaifake.Config) *anthropicfake.Server {
	t.Helper()
	cfg.APIKey = testKey
	return faketest.Start(t, anthropicfake.Start, cfg)
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Model == "" {
		cfg.Model = "claude-sonnet-4-5"
	}
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTextStream(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	rec, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL}), llmtest.UserRequest("hello there"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "You said: hello there" || rec.Deltas() != len(openaifake.Tokens("You said: hello there")) {
		t.Fatalf("text %q in %d deltas", rec.Text(), rec.Deltas())
	}
	if s := rec.Served(); s.Provider != "anthropic" || s.Model != "claude-sonnet-4-5" || s.FirstToken <= 0 {
		t.Fatalf("served %+v", s)
	}
	if u := rec.Usage(); u == nil || u.PromptTokens == 0 || u.CompletionTokens != rec.Deltas() {
		t.Fatalf("usage %+v", u)
	}
	if d := rec.Done(); d.Reason != "end_turn" {
		t.Fatalf("done %+v", d)
	}
	r, _ := llmtest.LastRequest[anthropicfake.MessagesRequest](t, srv)
	if r.Path != "/v1/messages" || r.Header.Get("x-api-key") != testKey || r.Header.Get("anthropic-version") != "2023-06-01" || r.Header.Get("Authorization") != "" {
		t.Fatalf("request %+v", r)
	}
}

func TestRequestMapping(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	c := newClient(t, Config{BaseURL: srv.BaseURL + "/v1/"})
	set := assistant.Defaults().LLMSettings
	set.Temperature, set.MaxTokens, set.FrequencyPenalty = 1.6, 222, 1
	set.StopSequences = []string{"END", " ", "STOP"}
	req := voice.LLMRequest{
		Messages: []voice.Message{
			{Role: voice.RoleSystem, Content: "sys one"},
			{Role: voice.RoleAssistant, Content: "Hello, how can I help?"},
			{Role: voice.RoleUser, Content: "weather?"},
			{Role: voice.RoleUser, Content: "in Paris"},
			{Role: voice.RoleSystem, Content: "sys two"},
			{Role: voice.RoleAssistant, Content: "Checking.", ToolCalls: []voice.ToolCall{{ID: "toolu_1", Name: "get_weather", Arguments: `{"city":"Paris"}`}, {ID: "toolu_2", Name: "now", Arguments: ""}}},
			{Role: voice.RoleTool, ToolCallID: "toolu_1", Content: "sunny"},
			{Role: voice.RoleTool, ToolCallID: "toolu_2", Content: "noon"},
		},
		Tools: []voice.Tool{
			{Name: "get_weather", Description: "Weather in a city", Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}},
			{Name: "now"},
		},
		Settings: set,
	}
	rec, err := llmtest.Generate(t, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "Done." {
		t.Fatalf("after tools %q", rec.Text())
	}
	r, m := llmtest.LastRequest[anthropicfake.MessagesRequest](t, srv)
	if r.Path != "/v1/messages" {
		t.Fatalf("path %s", r.Path)
	}
	if m.Model != "claude-sonnet-4-5" || *m.MaxTokens != 222 || *m.Temperature != 1 || m.TopP != nil || !m.Stream || m.SystemText() != "sys one\n\nsys two" {
		t.Fatalf("request %s", r.Body)
	}
	if strings.Join(m.StopSequences, ",") != "END,STOP" || string(m.ToolChoice) != `{"type":"auto"}` {
		t.Fatalf("request %s", r.Body)
	}
	for _, absent := range []string{"frequency_penalty", "presence_penalty", `"top_k"`} {
		if strings.Contains(string(r.Body), absent) {
			t.Fatalf("%s sent: %s", absent, r.Body)
		}
	}
	if len(m.Messages) != 5 {
		t.Fatalf("messages %s", r.Body)
	}
	roles := []string{"user", "assistant", "user", "assistant", "user"}
	for i, msg := range m.Messages {
		if msg.Role != roles[i] {
			t.Fatalf("message %d role %s", i, msg.Role)
		}
	}
	if b := m.Messages[0].Blocks(); len(b) != 1 || *b[0].Text != "(call connected)" {
		t.Fatalf("opening %s", m.Messages[0].Content)
	}
	if b := m.Messages[2].Blocks(); len(b) != 2 || *b[0].Text != "weather?" || *b[1].Text != "in Paris" {
		t.Fatalf("merged user turn %s", m.Messages[2].Content)
	}
	b := m.Messages[3].Blocks()
	if m.Messages[3].Role != "assistant" || len(b) != 3 || *b[0].Text != "Checking." || b[1].Type != "tool_use" || b[1].ID != "toolu_1" || b[1].Name != "get_weather" || string(b[1].Input) != `{"city":"Paris"}` || string(b[2].Input) != "{}" {
		t.Fatalf("assistant turn %s", m.Messages[3].Content)
	}
	res := m.Messages[4].Blocks()
	if len(res) != 2 || res[0].Type != "tool_result" || res[0].ToolUseID != "toolu_1" || res[0].ResultText() != "sunny" || res[1].ResultText() != "noon" {
		t.Fatalf("tool results %s", m.Messages[4].Content)
	}
	if len(m.Tools) != 2 || m.Tools[0].Name != "get_weather" || m.Tools[0].Description != "Weather in a city" || !strings.Contains(string(m.Tools[0].InputSchema), `"city"`) || string(m.Tools[1].InputSchema) != `{"properties":{},"type":"object"}` {
		t.Fatalf("tools %s", r.Body)
	}
}

func TestSamplingMapping(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	req := llmtest.UserRequest("x")
	req.Settings.TopP, req.Settings.MaxTokens = 0.8, 0
	if _, err := llmtest.Generate(t, c, req); err != nil {
		t.Fatal(err)
	}
	r, m := llmtest.LastRequest[anthropicfake.MessagesRequest](t, srv)
	if m.TopP == nil || *m.TopP != 0.8 || m.Temperature != nil || *m.MaxTokens != defaultMaxTokens || strings.Contains(string(r.Body), "stop_sequences") || strings.Contains(string(r.Body), "tools") {
		t.Fatalf("request %s", r.Body)
	}
}

func TestToolCalls(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Rules: []openaifake.Rule{{
		Contains: "book",
		Reply:    "Booking.",
		ToolCalls: []openaifake.ToolCall{
			{Name: "book_table", Arguments: json.RawMessage(`{"people": 4, "time": "19:30", "name": "Müller"}`)},
			{Name: "send_sms", Arguments: json.RawMessage(`{"text":"Confirmed"}`)},
			{Name: "end_call"},
		},
		AfterTool: "Booked: {result}",
	}}}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	rec, err := llmtest.Generate(t, c, llmtest.UserRequest("Book a table"))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if rec.Text() != "Booking." || len(calls) != 3 || calls[0].Name != "book_table" || calls[0].Arguments != `{"people":4,"time":"19:30","name":"Müller"}` ||
		calls[1].Arguments != `{"text":"Confirmed"}` || calls[2].Name != "end_call" || calls[2].Arguments != "{}" || !strings.HasPrefix(calls[0].ID, "toolu_") || calls[0].ID == calls[1].ID {
		t.Fatalf("%q %+v", rec.Text(), calls)
	}
	if d := rec.Done(); d.Reason != "tool_use" {
		t.Fatalf("done %+v", d)
	}
	req := llmtest.UserRequest("Book a table")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleAssistant, Content: rec.Text(), ToolCalls: calls})
	for i, res := range []string{"table 7", "sent", "ok"} {
		req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: calls[i].ID, Content: res})
	}
	rec, err = llmtest.Generate(t, c, req)
	if err != nil || rec.Text() != "Booked: table 7\nsent\nok" {
		t.Fatalf("follow-up %q %v", rec.Text(), err)
	}
}

func TestLimits(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Default: "one two three END four"}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	req := llmtest.UserRequest("x")
	req.Settings.MaxTokens = 2
	rec, err := llmtest.Generate(t, c, req)
	if err != nil || rec.Text() != "one two" || rec.Done().Reason != "max_tokens" {
		t.Fatalf("%q %+v %v", rec.Text(), rec.Done(), err)
	}
	req.Settings.MaxTokens, req.Settings.StopSequences = 100, []string{"END"}
	rec, err = llmtest.Generate(t, c, req)
	if err != nil || rec.Text() != "one two three " || rec.Done().Reason != "stop_sequence" {
		t.Fatalf("%q %+v %v", rec.Text(), rec.Done(), err)
	}
}

func TestServiceErrors(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	var se *sse.StatusError
	_, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL, APIKey: "wrong"}), llmtest.UserRequest("x"))
	if !errors.As(err, &se) || se.Status != 401 || se.Type != "authentication_error" || se.Message != "invalid x-api-key" {
		t.Fatalf("wrong key: %v", err)
	}
	req := llmtest.UserRequest("x")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: "toolu_x", Content: "orphan"})
	_, err = llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL}), req)
	if !errors.As(err, &se) || se.Status != 400 || se.Type != "invalid_request_error" || !strings.Contains(se.Message, "unexpected `tool_use_id`") {
		t.Fatalf("orphan result: %v", err)
	}
}

func TestFaults(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Default: "a b c d e f"}})
	client := func(t *testing.T) voice.LLM {
		return newClient(t, Config{BaseURL: srv.BaseURL, IdleTimeout: 200 * time.Millisecond})
	}
	llmtest.Faults(t, srv, client, []llmtest.FaultCase{
		{Fault: fault.Fault{Kind: fault.Refuse}},
		{Fault: fault.Fault{Kind: fault.Unauthorized}, Status: 401, Type: "authentication_error"},
		{Fault: fault.Fault{Kind: fault.RateLimited}, Status: 429, Type: "rate_limit_error"},
		{Fault: fault.Fault{Kind: fault.ServerError}, Status: 500, Type: "api_error"},
		{Fault: fault.Fault{Kind: fault.Unavailable}, Status: 503, Type: "overloaded_error"},
		{Fault: fault.Fault{Kind: fault.Drop, After: 2}, Want: io.ErrUnexpectedEOF, Deltas: 2},
		{Fault: fault.Fault{Kind: fault.Stall, After: 4}, Want: sse.ErrStalled, Deltas: 4},
	})
}

func TestCancelMidStream(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Default: "a b c d e f"}})
	llmtest.CancelMidStream(t, srv, newClient(t, Config{BaseURL: srv.BaseURL}))
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		base, url string
	}{
		{"", "https://api.anthropic.com/v1/messages"},
		{"http://127.0.0.1:9/fakes/anthropic", "http://127.0.0.1:9/fakes/anthropic/v1/messages"},
		{"https://proxy.example/v1/", "https://proxy.example/v1/messages"},
	} {
		c, err := New(Config{Model: "m", APIKey: "k", BaseURL: tc.base})
		if err != nil || c.url != tc.url {
			t.Errorf("%q: %v %v", tc.base, c, err)
		}
	}
	for _, cfg := range []Config{{APIKey: "k"}, {Model: "m"}} {
		if _, err := New(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

// A finished stream is read to its end, so the next request reuses the
// connection instead of paying for a new one.
func TestConnectionReused(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	llmtest.ConnectionReused(t, newClient(t, Config{BaseURL: srv.BaseURL}), llmtest.UserRequest("hi"))
}

// Structured output is a tool the model is made to call; its input comes
// back as the reply's text, not as a tool call.
func TestStructuredOutput(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: llmtest.StructuredScript})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	rec := llmtest.CheckStructured(t, c, "a caller", "")
	if d := rec.Done(); d.Reason != "tool_use" {
		t.Fatalf("done %+v", d)
	}
	_, got := llmtest.LastRequest[anthropicfake.MessagesRequest](t, srv)
	if f := got.Forced(); f == nil || f.Name != "lead" || f.Description != "What the call says about the lead." || len(got.Tools) != 1 {
		t.Fatalf("tools %+v, tool_choice %s", got.Tools, got.ToolChoice)
	}
	var schema map[string]any
	if err := json.Unmarshal(got.Tools[0].InputSchema, &schema); err != nil || schema["additionalProperties"] != false {
		t.Fatalf("input schema %s", got.Tools[0].InputSchema)
	}
	llmtest.CheckStructured(t, c, "this is Ada", `{"name":"Ada","callback":true,"seats":4}`)
	llmtest.CheckStructured(t, c, "this is Bob", `{"name":"Bob","seats":1}`)
}

// The fake refuses a tool choice that names no offered tool, as the
// service does.
func TestToolChoiceChecked(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	for body, want := range map[string]string{
		`{"type":"tool","name":"missing"}`: `tool \"missing\" not found`,
		`{"type":"sometimes"}`:             `does not match any of the expected tags`,
	} {
		code, resp := faketest.Post(t, srv.BaseURL+"/v1/messages", map[string]string{"x-api-key": testKey, "anthropic-version": "2023-06-01"},
			`{"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":`+body+`}`)
		if code != 400 || !strings.Contains(resp, want) {
			t.Errorf("%s: %d %s", body, code, resp)
		}
	}
}
