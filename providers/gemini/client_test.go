package gemini

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/gemini/geminifake"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/llmtest"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "AIza-test-0123456789"

func startFake(t *testing.T, cfg openaifake.Config) *geminifake.Server {
	t.Helper()
	cfg.APIKey = testKey
	return faketest.Start(t, geminifake.Start, cfg)
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Model == "" {
		cfg.Model = "gemini-2.5-flash"
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
	rec, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL, Model: "models/gemini-2.5-flash"}), llmtest.UserRequest("hello there"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != "You said: hello there" || rec.Deltas() != len(openaifake.Tokens("You said: hello there")) {
		t.Fatalf("text %q in %d deltas", rec.Text(), rec.Deltas())
	}
	if s := rec.Served(); s.Provider != "gemini" || s.Model != "gemini-2.5-flash" || s.FirstToken <= 0 {
		t.Fatalf("served %+v", s)
	}
	if u := rec.Usage(); u == nil || u.PromptTokens == 0 || u.CompletionTokens != rec.Deltas() {
		t.Fatalf("usage %+v", u)
	}
	if d := rec.Done(); d.Reason != "STOP" {
		t.Fatalf("done %+v", d)
	}
	r, _ := llmtest.LastRequest[geminifake.GenerateRequest](t, srv)
	if r.Path != "/v1beta/models/gemini-2.5-flash:streamGenerateContent" || r.Query.Get("alt") != "sse" || r.Query.Get("key") != "" || r.Header.Get("x-goog-api-key") != testKey {
		t.Fatalf("request %+v", r)
	}
}

func TestRequestMapping(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	c := newClient(t, Config{BaseURL: srv.BaseURL + "/v1beta"})
	set := assistant.Defaults().LLMSettings
	set.Temperature, set.MaxTokens, set.TopP, set.PresencePenalty = 1.4, 321, 0.7, 1
	set.StopSequences = []string{"S1", "", "S2", "S3", "S4", "S5", "S6"}
	req := voice.LLMRequest{
		Messages: []voice.Message{
			{Role: voice.RoleSystem, Content: "sys"},
			{Role: voice.RoleAssistant, Content: "Hi! How can I help?"},
			{Role: voice.RoleUser, Content: "weather"},
			{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{{ID: "call_1", Name: "get_weather", Arguments: `{"city":"Paris"}`}, {ID: "call_2", Name: "now"}}},
			{Role: voice.RoleTool, ToolCallID: "call_1", Content: `{"temp":18}`},
			{Role: voice.RoleTool, ToolCallID: "call_2", Content: "noon"},
		},
		Tools: []voice.Tool{
			{Name: "get_weather", Description: "Weather", Parameters: map[string]any{
				"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
				"properties": map[string]any{
					"city":  map[string]any{"type": "string", "description": "City"},
					"units": map[string]any{"type": []string{"string", "null"}, "enum": []string{"c", "f"}},
					"days":  map[string]any{"type": "array", "items": map[string]any{"type": "integer", "additionalProperties": true}},
				},
				"required": []string{"city"}}},
			{Name: "now"},
		},
		Settings: set,
	}
	rec, err := llmtest.Generate(t, c, req) // the fake refuses what the service refuses, e.g. additionalProperties
	if err != nil {
		t.Fatal(err)
	}
	if rec.Text() != `Done.` {
		t.Fatalf("after tools %q", rec.Text())
	}
	r, g := llmtest.LastRequest[geminifake.GenerateRequest](t, srv)
	if r.Path != "/v1beta/models/gemini-2.5-flash:streamGenerateContent" {
		t.Fatalf("path %s", r.Path)
	}
	gc := g.GenerationConfig
	if *gc.Temperature != 1.4 || *gc.TopP != 0.7 || *gc.MaxOutputTokens != 321 || strings.Join(gc.StopSequences, ",") != "S1,S2,S3,S4,S5" || gc.PresencePenalty != nil {
		t.Fatalf("generation config %s", r.Body)
	}
	if g.SystemInstruction == nil || g.SystemInstruction.Text() != "sys" || g.SystemInstruction.Role != "" {
		t.Fatalf("system %s", r.Body)
	}
	cs := g.Contents
	if len(cs) != 5 || cs[0].Role != "user" || cs[0].Text() != "(call connected)" || cs[1].Role != "model" || cs[2].Text() != "weather" {
		t.Fatalf("contents %s", r.Body)
	}
	calls := cs[3].Parts
	if cs[3].Role != "model" || len(calls) != 2 || calls[0].FunctionCall.Name != "get_weather" || string(calls[0].FunctionCall.Args) != `{"city":"Paris"}` ||
		calls[0].FunctionCall.ID != "" || string(calls[1].FunctionCall.Args) != "{}" {
		t.Fatalf("calls %s", r.Body)
	}
	res := cs[4].Parts
	if cs[4].Role != "user" || len(res) != 2 || res[0].FunctionResponse.Name != "get_weather" || string(res[0].FunctionResponse.Response) != `{"temp":18}` ||
		res[1].FunctionResponse.Name != "now" || string(res[1].FunctionResponse.Response) != `{"output":"noon"}` {
		t.Fatalf("results %s", r.Body)
	}
	decl := g.Tools[0].FunctionDeclarations
	var params map[string]any
	_ = json.Unmarshal(decl[0].Parameters, &params)
	units := params["properties"].(map[string]any)["units"].(map[string]any)
	if len(decl) != 2 || decl[0].Name != "get_weather" || params["$schema"] != nil || params["additionalProperties"] != nil || units["type"] != "string" || units["nullable"] != true || decl[1].Parameters != nil {
		t.Fatalf("tools %s", r.Body)
	}
	if string(g.ToolConfig) != `{"functionCallingConfig":{"mode":"AUTO"}}` {
		t.Fatalf("tool config %s", g.ToolConfig)
	}
}

func TestDefaultsOmitted(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	if _, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL}), llmtest.UserRequest("x")); err != nil {
		t.Fatal(err)
	}
	r, g := llmtest.LastRequest[geminifake.GenerateRequest](t, srv)
	if g.GenerationConfig.TopP != nil || g.GenerationConfig.StopSequences != nil || g.Tools != nil || g.ToolConfig != nil || *g.GenerationConfig.Temperature != 0.5 {
		t.Fatalf("request %s", r.Body)
	}
}

// Gemini 3 wants each call's thought signature back; the client keeps it
// across requests, and sends the service's own call IDs back.
func TestToolCallsAndSignatures(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Rules: []openaifake.Rule{{
		Contains: "weather",
		ToolCalls: []openaifake.ToolCall{
			{Name: "get_weather", Arguments: json.RawMessage(`{"city":"Paris","days":[1,2]}`)},
			{Name: "get_time"},
		},
		AfterTool: "Weather: {result}",
	}}}})
	c := newClient(t, Config{BaseURL: srv.BaseURL, Model: "gemini-3-pro-preview"})
	rec, err := llmtest.Generate(t, c, llmtest.UserRequest("weather in Paris?"))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].Name != "get_weather" || calls[0].Arguments != `{"city":"Paris","days":[1,2]}` || calls[1].Arguments != "{}" ||
		calls[0].ID == "" || calls[0].ID == calls[1].ID || rec.Done().Reason != "STOP" {
		t.Fatalf("calls %+v done %+v", calls, rec.Done())
	}
	next := llmtest.UserRequest("weather in Paris?")
	next.Messages = append(next.Messages, voice.Message{Role: voice.RoleAssistant, ToolCalls: calls},
		voice.Message{Role: voice.RoleTool, ToolCallID: calls[0].ID, Content: "sunny"},
		voice.Message{Role: voice.RoleTool, ToolCallID: calls[1].ID, Content: "noon"})
	rec, err = llmtest.Generate(t, c, next)
	if err != nil || rec.Text() != "Weather: sunny\nnoon" {
		t.Fatalf("follow-up %q %v", rec.Text(), err)
	}
	_, g := llmtest.LastRequest[geminifake.GenerateRequest](t, srv)
	if g.Contents[1].Parts[0].ThoughtSignature == "" || g.Contents[1].Parts[1].ThoughtSignature != "" {
		t.Fatalf("signatures not sent back: %+v", g.Contents[1].Parts)
	}
	// The signatures travel in the history: another client (another
	// process) sends them back too.
	if _, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL, Model: "gemini-3-pro-preview"}), next); err != nil {
		t.Fatalf("another client: %v", err)
	}
	// A history that lost them is refused, as the service does.
	for _, m := range next.Messages {
		for i := range m.ToolCalls {
			m.ToolCalls[i].ProviderData = ""
		}
	}
	var se *sse.StatusError
	_, err = llmtest.Generate(t, c, next)
	if !errors.As(err, &se) || se.Status != 400 || !strings.Contains(se.Message, "missing a thought_signature") {
		t.Fatalf("without signatures: %v", err)
	}
}

func TestServiceIDs(t *testing.T) {
	rec, err := decodeStream(t, chunks(`{"candidates":[{"content":{"parts":[{"functionCall":{"id":"svc-1","name":"f","args":{"a":1}}}],"role":"model"},"finishReason":"STOP","index":0}]}`))
	if err != nil || rec.Calls()[0].ID != "svc-1" {
		t.Fatalf("%+v %v", rec.Calls(), err)
	}
}

func TestLimits(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Default: "one two three END four"}})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	req := llmtest.UserRequest("x")
	req.Settings.MaxTokens = 2
	rec, err := llmtest.Generate(t, c, req)
	if err != nil || rec.Text() != "one two" || rec.Done().Reason != "MAX_TOKENS" {
		t.Fatalf("%q %+v %v", rec.Text(), rec.Done(), err)
	}
	req.Settings.MaxTokens, req.Settings.StopSequences = 100, []string{"END"}
	rec, err = llmtest.Generate(t, c, req)
	if err != nil || rec.Text() != "one two three " || rec.Done().Reason != "STOP" {
		t.Fatalf("%q %+v %v", rec.Text(), rec.Done(), err)
	}
}

func TestServiceErrors(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	var se *sse.StatusError
	_, err := llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL, APIKey: "wrong"}), llmtest.UserRequest("x"))
	if !errors.As(err, &se) || se.Status != 401 || se.Code != "API_KEY_INVALID" || se.Type != "INVALID_ARGUMENT" {
		t.Fatalf("wrong key (400 API_KEY_INVALID on the wire) must read as 401: %v", err)
	}
	req := llmtest.UserRequest("x")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: "call_x", Content: "orphan"})
	_, err = llmtest.Generate(t, newClient(t, Config{BaseURL: srv.BaseURL}), req)
	if !errors.As(err, &se) || se.Status != 400 || !strings.Contains(se.Message, "number of function response parts") {
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
		{Fault: fault.Fault{Kind: fault.Unauthorized}, Status: 401, Type: "UNAUTHENTICATED"},
		{Fault: fault.Fault{Kind: fault.RateLimited}, Status: 429, Type: "RESOURCE_EXHAUSTED"},
		{Fault: fault.Fault{Kind: fault.ServerError}, Status: 500, Type: "INTERNAL"},
		{Fault: fault.Fault{Kind: fault.Unavailable}, Status: 503, Type: "UNAVAILABLE"},
		{Fault: fault.Fault{Kind: fault.Drop, After: 2}, Want: io.ErrUnexpectedEOF, Deltas: 2},
		{Fault: fault.Fault{Kind: fault.Stall, After: 3}, Want: sse.ErrStalled, Deltas: 3},
	})
}

func TestCancelMidStream(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: openaifake.Script{Default: "a b c d e f"}})
	llmtest.CancelMidStream(t, srv, newClient(t, Config{BaseURL: srv.BaseURL}))
}

func TestNew(t *testing.T) {
	for _, tc := range []struct{ base, model, url string }{
		{"", "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"},
		{"http://127.0.0.1:9/fakes/gemini/", "models/g", "http://127.0.0.1:9/fakes/gemini/v1beta/models/g:streamGenerateContent?alt=sse"},
		{"https://proxy.example/v1alpha", "g", "https://proxy.example/v1alpha/models/g:streamGenerateContent?alt=sse"},
	} {
		c, err := New(Config{Model: tc.model, APIKey: "k", BaseURL: tc.base})
		if err != nil || c.url != tc.url {
			t.Errorf("%q: %v %v", tc.base, c, err)
		}
	}
	for _, cfg := range []Config{{APIKey: "k"}, {Model: "m"}, {Model: "models/", APIKey: "k"}} {
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

// Structured output is JSON following responseSchema, the schema cut to
// the API's Schema (the fake, like the service, refuses other keywords).
func TestStructuredOutput(t *testing.T) {
	srv := startFake(t, openaifake.Config{Script: llmtest.StructuredScript})
	c := newClient(t, Config{BaseURL: srv.BaseURL})
	llmtest.CheckStructured(t, c, "a caller", "")
	_, got := llmtest.LastRequest[geminifake.GenerateRequest](t, srv)
	g := got.GenerationConfig
	if g == nil || g.ResponseMimeType == nil || *g.ResponseMimeType != "application/json" || strings.Contains(string(g.ResponseSchema), "additionalProperties") ||
		!strings.Contains(string(g.ResponseSchema), `"enum":["positive","neutral","negative"]`) {
		t.Fatalf("generation config %+v, schema %s", g, g.ResponseSchema)
	}
	llmtest.CheckStructured(t, c, "this is Ada", `{"name":"Ada","callback":true,"seats":4}`)
	llmtest.CheckStructured(t, c, "this is Bob", `{"name":"Bob","seats":1}`)
}

// The fake refuses what the service refuses of structured output.
func TestStructuredOutputChecked(t *testing.T) {
	srv := startFake(t, openaifake.Config{})
	url := srv.BaseURL + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
	for config, want := range map[string]string{
		`{"responseSchema":{"type":"object"}}`: `response_mime_type must be application/json`,
		`{"responseMimeType":"application/json","responseSchema":{"type":"object","additionalProperties":false}}`:           `Unknown name \"additionalProperties\"`,
		`{"responseMimeType":"application/json","responseSchema":{"type":"object"},"responseJsonSchema":{"type":"object"}}`: `only one of`,
	} {
		code, body := faketest.Post(t, url, map[string]string{"x-goog-api-key": testKey},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":`+config+`}`)
		if code != 400 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s", config, code, body)
		}
	}
}
