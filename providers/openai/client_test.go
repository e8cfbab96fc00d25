package openai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/llmtest"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestTextStream(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	rec, err := llmtest.Generate(t, c, userRequest("hello there"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Text(); got != "You said: hello there" {
		t.Fatalf("text %q", got)
	}
	if n := rec.Deltas(); n != len(openaifake.Tokens("You said: hello there")) {
		t.Fatalf("%d deltas: one per token expected", n)
	}
	served := rec.Served()
	if served.Provider != "openai" || served.Model != "gpt-4o-mini" || served.FirstToken <= 0 || served.Fallback {
		t.Fatalf("served %+v", served)
	}
	usage := rec.Usage()
	if usage == nil || usage.PromptTokens == 0 || usage.CompletionTokens != rec.Deltas() {
		t.Fatalf("usage %+v", usage)
	}
	if done := rec.Done(); done.Reason != "stop" {
		t.Fatalf("done %+v", done)
	}
}

func TestRequestMapping(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	set := settings()
	set.Temperature, set.MaxTokens, set.TopP = 0.3, 150, 0.9
	set.FrequencyPenalty, set.PresencePenalty = 0.5, -0.25
	set.StopSequences = []string{"END", "", "STOP", "X", "Y", "Z"}
	req := voice.LLMRequest{
		Messages: []voice.Message{
			{Role: voice.RoleSystem, Content: "sys"},
			{Role: voice.RoleUser, Content: "weather?"},
			{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{{ID: "call_1", Name: "get_weather", Arguments: `{"city":"Paris"}`}, {ID: "call_2", Name: "now"}}},
			{Role: voice.RoleTool, ToolCallID: "call_1", Content: "sunny"},
			{Role: voice.RoleTool, ToolCallID: "call_2", Content: "noon"},
		},
		Tools: []voice.Tool{
			{Name: "get_weather", Description: "Weather in a city", Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []any{"city"}}},
			{Name: "now"},
		},
		Settings: set,
	}
	rec, err := llmtest.Generate(t, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "Done." {
		t.Fatalf("after tools: %q", rec.Text())
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/chat/completions" || reqs[0].Header.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("request %+v", reqs)
	}
	var got openaifake.ChatRequest
	if err := json.Unmarshal(reqs[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Model != "gpt-4o-mini" || !got.Stream || got.StreamOptions == nil || !got.StreamOptions.IncludeUsage || string(got.ToolChoice) != `"auto"` {
		t.Fatalf("request %+v", got)
	}
	if *got.Temperature != 0.3 || *got.MaxTokens != 150 || *got.TopP != 0.9 || *got.FrequencyPenalty != 0.5 || *got.PresencePenalty != -0.25 || got.MaxCompletionTokens != nil {
		t.Fatalf("settings %s", reqs[0].Body)
	}
	if stops := got.StopSequences(); strings.Join(stops, ",") != "END,STOP,X,Y" {
		t.Fatalf("stop %q", stops)
	}
	m := got.Messages
	if len(m) != 5 || m[0].Role != "system" || m[0].Text() != "sys" || m[1].Role != "user" || m[2].Role != "assistant" || string(m[2].Content) != "null" {
		t.Fatalf("messages %s", reqs[0].Body)
	}
	if tc := m[2].ToolCalls; len(tc) != 2 || tc[0].ID != "call_1" || tc[0].Type != "function" || tc[0].Function.Name != "get_weather" || tc[0].Function.Arguments != `{"city":"Paris"}` || tc[1].Function.Arguments != "{}" {
		t.Fatalf("tool calls %+v", tc)
	}
	if m[3].Role != "tool" || m[3].ToolCallID != "call_1" || m[3].Text() != "sunny" {
		t.Fatalf("tool result %+v", m[3])
	}
	if len(got.Tools) != 2 || got.Tools[0].Type != "function" || got.Tools[0].Function.Name != "get_weather" || got.Tools[0].Function.Description != "Weather in a city" ||
		!strings.Contains(string(got.Tools[0].Function.Parameters), `"required":["city"]`) || string(got.Tools[1].Function.Parameters) != `{"properties":{},"type":"object"}` {
		t.Fatalf("tools %s", reqs[0].Body)
	}
}

func TestDefaultsOmitted(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	if _, err := llmtest.Generate(t, c, userRequest("hi")); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(srv.Requests()[0].Body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"top_p", "frequency_penalty", "presence_penalty", "stop", "tools", "tool_choice", "max_completion_tokens"} {
		if _, ok := raw[k]; ok {
			t.Errorf("%s sent with its default value", k)
		}
	}
	if raw["temperature"] != 0.5 || raw["max_tokens"] != 1000.0 {
		t.Errorf("body %v", raw)
	}
}

func TestReasoningModels(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	for _, tc := range []struct {
		model     string
		reasoning bool
	}{{"o3-mini", true}, {"o1", true}, {"o4-mini", true}, {"gpt-5", true}, {"gpt-5-mini", true}, {"gpt-5-chat-latest", false}, {"gpt-4.1", false}} {
		t.Run(tc.model, func(t *testing.T) {
			c := newClient(t, Config{BaseURL: srv.BaseURL, Model: tc.model})
			req := userRequest("hi")
			req.Settings.StopSequences = []string{"END"}
			req.Settings.TopP = 0.5
			if _, err := llmtest.Generate(t, c, req); err != nil {
				t.Fatal(err) // the fake rejects what the service rejects
			}
			reqs := srv.Requests()
			var raw map[string]any
			_ = json.Unmarshal(reqs[len(reqs)-1].Body, &raw)
			_, maxTokens := raw["max_tokens"]
			_, maxCompletion := raw["max_completion_tokens"]
			_, temp := raw["temperature"]
			if maxCompletion != tc.reasoning || maxTokens == tc.reasoning || temp == tc.reasoning {
				t.Fatalf("body %v", raw)
			}
		})
	}
}

func TestToolCalls(t *testing.T) {
	srv := startFake(t, openaifake.Options{Config: openaifake.Config{Script: openaifake.Script{Rules: []openaifake.Rule{{
		Contains: "weather",
		Reply:    "Let me check.",
		ToolCalls: []openaifake.ToolCall{
			{Name: "get_weather", Arguments: json.RawMessage(`{"city": "Paris", "unit": "celsius"}`)},
			{Name: "get_time", Arguments: json.RawMessage(`{"zone":"Europe/Paris"}`)},
			{Name: "hang_up"},
		},
		AfterTool: "It is {result}.",
	}}}}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	rec, err := llmtest.Generate(t, c, userRequest("What's the WEATHER like?"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "Let me check." {
		t.Fatalf("text %q", rec.Text())
	}
	calls := rec.Calls()
	if len(calls) != 3 || calls[0].Name != "get_weather" || calls[0].Arguments != `{"city":"Paris","unit":"celsius"}` ||
		calls[1].Name != "get_time" || calls[1].Arguments != `{"zone":"Europe/Paris"}` || calls[2].Name != "hang_up" || calls[2].Arguments != "{}" {
		t.Fatalf("calls %+v", calls)
	}
	if calls[0].ID == "" || calls[0].ID == calls[1].ID {
		t.Fatalf("ids %q %q", calls[0].ID, calls[1].ID)
	}
	// Tool calls come after the text, before usage and done.
	all := rec.All()
	n := len(all)
	_, usageLast := all[n-2].(*voice.LLMUsage)
	_, callBefore := all[n-3].(*voice.ToolCallEvent)
	if !usageLast || !callBefore {
		t.Fatalf("order %v", all)
	}
	if done := rec.Done(); done.Reason != "tool_calls" {
		t.Fatalf("done %+v", done)
	}

	// The results go back; the rule's follow-up answers.
	req := userRequest("What's the WEATHER like?")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleAssistant, Content: "Let me check.", ToolCalls: calls})
	for i, r := range []string{"18°C", "3pm", "ok"} {
		req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: calls[i].ID, Content: r})
	}
	rec, err = llmtest.Generate(t, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "It is 18°C\n3pm\nok." || len(rec.Calls()) != 0 {
		t.Fatalf("follow-up %q %v", rec.Text(), rec.Calls())
	}
}

func TestLimits(t *testing.T) {
	srv := startFake(t, openaifake.Options{Config: openaifake.Config{Script: openaifake.Script{Default: "one two three four five six END seven"}}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	req := userRequest("x")
	req.Settings.MaxTokens = 3
	rec, err := llmtest.Generate(t, c, req)
	if done := rec.Done(); err != nil || done.Reason != "length" || rec.Text() != "one two thr" {
		t.Fatalf("max tokens: %q %+v %v", rec.Text(), done, err)
	}
	req = userRequest("x")
	req.Settings.StopSequences = []string{" END"}
	rec, err = llmtest.Generate(t, c, req)
	if done := rec.Done(); err != nil || done.Reason != "stop" || rec.Text() != "one two three four five six" {
		t.Fatalf("stop: %q %+v %v", rec.Text(), done, err)
	}
}

func TestServiceErrors(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	var se *sse.StatusError

	c := newClient(t, Config{BaseURL: srv.BaseURL, APIKey: "sk-wrong-key-123456"})
	_, err := llmtest.Generate(t, c, userRequest("hi"))
	if !errors.As(err, &se) || se.Status != 401 || se.Code != "invalid_api_key" || !strings.Contains(se.Message, "sk-*****3456") {
		t.Fatalf("wrong key: %v", err)
	}
	c = newClient(t, Config{Provider: "custom", BaseURL: srv.BaseURL})
	_, err = llmtest.Generate(t, c, userRequest("hi"))
	if !errors.As(err, &se) || se.Status != 401 || !strings.Contains(se.Message, "You didn't provide an API key") {
		t.Fatalf("no key: %v", err)
	}
	if h := srv.Requests()[1].Header; h.Get("Authorization") != "" {
		t.Fatalf("custom without key sent %q", h.Get("Authorization"))
	}
	c = newClient(t, Config{BaseURL: srv.BaseURL})
	req := userRequest("hi")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: "call_x", Content: "orphan"})
	_, err = llmtest.Generate(t, c, req)
	if !errors.As(err, &se) || se.Status != 400 || se.Type != "invalid_request_error" || !strings.Contains(err.Error(), "must be a response to a preceeding message with 'tool_calls'") {
		t.Fatalf("invalid conversation: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "openai: HTTP 400") {
		t.Fatalf("error text %q", err)
	}
}

func TestFaults(t *testing.T) {
	srv := startFake(t, openaifake.Options{Config: openaifake.Config{Script: openaifake.Script{Default: "a b c d e f g h"}}})
	for _, tc := range []struct {
		f      fault.Fault
		status int
		check  func(error) bool
		deltas int
	}{
		{fault.Fault{Kind: fault.Refuse}, 0, func(err error) bool { return err != nil }, 0},
		{fault.Fault{Kind: fault.Unauthorized}, 401, nil, 0},
		{fault.Fault{Kind: fault.RateLimited}, 429, nil, 0},
		{fault.Fault{Kind: fault.ServerError}, 500, nil, 0},
		{fault.Fault{Kind: fault.Unavailable}, 503, nil, 0},
		{fault.Fault{Kind: fault.Drop, After: 3}, 0, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }, 3},
		{fault.Fault{Kind: fault.Drop}, 0, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }, 0},
		{fault.Fault{Kind: fault.Stall, After: 2}, 0, func(err error) bool { return errors.Is(err, sse.ErrStalled) }, 2},
	} {
		t.Run(tc.f.Kind.String(), func(t *testing.T) {
			c := newClient(t, Config{BaseURL: srv.BaseURL, IdleTimeout: 200 * time.Millisecond})
			srv.Faults().Next(tc.f, 1)
			rec, err := llmtest.Generate(t, c, userRequest("x"))
			var se *sse.StatusError
			switch {
			case tc.status != 0:
				if !errors.As(err, &se) || se.Status != tc.status || se.Message == "" {
					t.Fatalf("got %v", err)
				}
				if tc.status == 429 && se.RetryAfter != time.Second {
					t.Fatalf("retry after %v", se.RetryAfter)
				}
			case !tc.check(err) || errors.As(err, &se):
				t.Fatalf("got %v", err)
			}
			if rec.Deltas() != tc.deltas {
				t.Fatalf("%d deltas before the fault, want %d", rec.Deltas(), tc.deltas)
			}
			if rec.Done() != nil {
				t.Fatal("a failed stream emitted LLMDone")
			}
		})
	}
	// The fake serves normally once the faults are used up.
	if rec, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL}), userRequest("x")); err != nil || rec.Text() != "a b c d e f g h" {
		t.Fatalf("after faults: %q %v", rec.Text(), err)
	}
}

func TestCancelMidStream(t *testing.T) {
	srv := startFake(t, openaifake.Options{Config: openaifake.Config{Script: openaifake.Script{Default: "a b c d e f g h"}}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	for _, after := range []int{0, 2} {
		srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: after}, 1)
		ctx, cancel := context.WithCancel(context.Background())
		rec := &openaifake.Events{}
		served := make(chan struct{})
		rec.OnEvent = func(e voice.LLMEvent) {
			if _, ok := e.(*voice.LLMServed); ok {
				close(served)
			}
		}
		errc := make(chan error, 1)
		go func() { errc <- c.Generate(ctx, userRequest("x"), rec.Emit) }()
		if after > 0 {
			<-served
		}
		testkit.Eventually(t, 5*time.Second, func() error {
			if srv.Active() != 1 {
				return errors.New("not streaming yet")
			}
			return nil
		})
		cancel()
		if err := <-errc; err != context.Canceled {
			t.Fatalf("after %d tokens: %v", after, err)
		}
		testkit.Eventually(t, 5*time.Second, func() error {
			if n := srv.Active(); n != 0 {
				return errors.New("the server still streams")
			}
			return nil
		})
	}
}

func TestAzure(t *testing.T) {
	srv := startFake(t, openaifake.Options{Deployments: []string{"prod-4o", "gpt-4o-mini"}})
	c := newClient(t, Config{Provider: "azure", BaseURL: srv.AzureURL, Custom: map[string]any{"deployment": "prod-4o", "api_version": "2025-01-01-preview"}})
	rec, err := llmtest.Generate(t, c, userRequest("bonjour"))
	if err != nil || rec.Text() != "You said: bonjour" {
		t.Fatalf("%q %v", rec.Text(), err)
	}
	r := srv.Requests()[0]
	if r.Path != "/openai/deployments/prod-4o/chat/completions" || r.Query.Get("api-version") != "2025-01-01-preview" || r.Header.Get("api-key") != testKey || r.Header.Get("Authorization") != "" {
		t.Fatalf("request %+v", r)
	}
	var raw map[string]any
	_ = json.Unmarshal(r.Body, &raw)
	if _, ok := raw["model"]; ok {
		t.Fatal("model sent: Azure names the deployment in the URL")
	}
	// The model is the deployment by default, and the api-version has a default.
	c = newClient(t, Config{Provider: "azure", BaseURL: srv.AzureURL + "/openai/"})
	if _, err := llmtest.Generate(t, c, userRequest("x")); err != nil {
		t.Fatal(err)
	}
	if r := srv.Requests()[1]; r.Path != "/openai/deployments/gpt-4o-mini/chat/completions" || r.Query.Get("api-version") != DefaultAzureAPIVersion {
		t.Fatalf("request %+v", r)
	}
	var se *sse.StatusError
	c = newClient(t, Config{Provider: "azure", BaseURL: srv.AzureURL, Model: "nope"})
	if _, err := llmtest.Generate(t, c, userRequest("x")); !errors.As(err, &se) || se.Status != 404 || se.Code != "DeploymentNotFound" {
		t.Fatalf("unknown deployment: %v", err)
	}
	c = newClient(t, Config{Provider: "azure", BaseURL: srv.AzureURL, APIKey: "bad"})
	if _, err := llmtest.Generate(t, c, userRequest("x")); !errors.As(err, &se) || se.Status != 401 || !strings.HasPrefix(se.Message, "Access denied") {
		t.Fatalf("bad key: %v", err)
	}
	srv.Faults().Next(fault.Fault{Kind: fault.RateLimited}, 1)
	c = newClient(t, Config{Provider: "azure", BaseURL: srv.AzureURL})
	if _, err := llmtest.Generate(t, c, userRequest("x")); !errors.As(err, &se) || se.Status != 429 || se.Code != "429" {
		t.Fatalf("rate limited: %v", err)
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		url  string
		auth string
		err  error
	}{
		{Config{Provider: "openai", Model: "m", APIKey: "k"}, "https://api.openai.com/v1/chat/completions", "Bearer k", nil},
		{Config{Provider: "groq", Model: "m", APIKey: "k"}, "https://api.groq.com/openai/v1/chat/completions", "Bearer k", nil},
		{Config{Provider: "xai", Model: "m", APIKey: "k"}, "https://api.x.ai/v1/chat/completions", "Bearer k", nil},
		{Config{Provider: "custom", Model: "m", BaseURL: "http://localhost:11434/v1/"}, "http://localhost:11434/v1/chat/completions", "", nil},
		{Config{Provider: "openai", Model: "m", APIKey: "k", BaseURL: "http://127.0.0.1:9/fakes/openai/v1"}, "http://127.0.0.1:9/fakes/openai/v1/chat/completions", "Bearer k", nil},
		{Config{Provider: "azure", Model: "my dep", APIKey: "k", BaseURL: "https://r.openai.azure.com"}, "https://r.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=2024-10-21", "", nil},
		{Config{Provider: "custom", Model: "m"}, "", "", ErrConfig},
		{Config{Provider: "azure", Model: "m", APIKey: "k"}, "", "", ErrConfig},
		{Config{Provider: "openai", Model: "m"}, "", "", ErrConfig},
		{Config{Provider: "openai", APIKey: "k"}, "", "", ErrConfig},
		{Config{Provider: "anthropic", Model: "m", APIKey: "k"}, "", "", ErrUnknownProvider},
	} {
		c, err := New(tc.cfg)
		if !errors.Is(err, tc.err) {
			t.Errorf("%+v: %v", tc.cfg, err)
			continue
		}
		if err == nil && (c.url != tc.url || c.header.Get("Authorization") != tc.auth) {
			t.Errorf("%+v: %s %q", tc.cfg, c.url, c.header.Get("Authorization"))
		}
	}
}

// BenchmarkLoopback is a whole generation against the fake on loopback,
// per token: the client's work plus HTTP and the fake's own (it shares the
// CPU), so an upper bound of the client's overhead.
func BenchmarkLoopback(b *testing.B) {
	text := strings.Repeat("word ", 200)
	srv, err := openaifake.Start(openaifake.Options{Config: openaifake.Config{Script: openaifake.Script{Default: text}}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := New(Config{Provider: "custom", Model: "m", BaseURL: srv.BaseURL})
	if err != nil {
		b.Fatal(err)
	}
	req := userRequest("x")
	tokens := len(openaifake.Tokens(text))
	emit := func(voice.LLMEvent) {}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Generate(context.Background(), req, emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tokens), "ns/token")
}

// A finished stream is read to its end, so the next request reuses the
// connection instead of paying for a new one.
func TestConnectionReused(t *testing.T) {
	srv := startFake(t, openaifake.Options{})
	llmtest.ConnectionReused(t, newClient(t, Config{BaseURL: srv.BaseURL}), userRequest("hi"))
}

// Structured output is a json_schema response_format; the reply's text is
// the object, made up from the schema or scripted (followed or not).
func TestStructuredOutput(t *testing.T) {
	srv := startFake(t, openaifake.Options{Config: openaifake.Config{Script: llmtest.StructuredScript}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	llmtest.CheckStructured(t, c, "a caller", "")
	_, got := llmtest.LastRequest[map[string]any](t, srv)
	format, _ := json.Marshal(got["response_format"])
	want, _ := json.Marshal(map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "lead",
		"description": "What the call says about the lead.", "schema": llmtest.LeadSchema(), "strict": false}})
	if string(format) != string(want) {
		t.Fatalf("response_format %s\nwant %s", format, want)
	}
	llmtest.CheckStructured(t, c, "this is Ada", `{"name":"Ada","callback":true,"seats":4}`)
	llmtest.CheckStructured(t, c, "this is Bob", `{"name":"Bob","seats":1}`)
	if rec, _ := llmtest.Generate(t, c, userRequest("this is Ada")); rec.Text() != "You said: this is Ada" {
		t.Fatalf("a prose request got %q", rec.Text())
	}
}
