package analysis_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/analysis"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/anthropic/anthropicfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/gemini/geminifake"
	"github.com/switchboard-voice/switchboard/providers/llmfallback"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// leadSchema is what the tests' assistants extract.
var leadSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"name":   map[string]any{"type": "string"},
		"intent": map[string]any{"type": "string", "enum": []any{"booking", "question", "complaint"}},
		"seats":  map[string]any{"type": "integer", "minimum": 1},
	},
	"required": []any{"name", "intent"},
}

// script answers the summary with a fixed sentence, the extraction with a
// lead that follows leadSchema, and lets the evaluation be made up.
var script = openaifake.Script{Rules: []openaifake.Rule{
	{Contains: "Summarize this call", Reply: "Ada booked a table for four."},
	{Contains: "Extract the data", JSON: json.RawMessage(`{"name":"Ada","intent":"booking","seats":4}`)},
}}

func settings() assistant.AnalysisSettings {
	s := assistant.Defaults().AnalysisSettings
	s.StructuredData.Enabled, s.StructuredData.Schema = true, leadSchema
	s.Evaluation.Enabled = true
	return s
}

var call = analysis.Call{
	Messages: []persistence.ChatMessageRow{
		{Role: "system", Content: "You take restaurant bookings."},
		{Role: "assistant", Content: "Hello, Chez Ada."},
		{Role: "user", Content: "A table for four tonight, please. My name is Ada."},
		{Role: "assistant", Content: "", ToolCalls: json.RawMessage(`[{"id":"c1","name":"book"}]`)},
		{Role: "tool", Content: "booked"},
		{Role: "assistant", Content: "Booked for four at eight."},
	},
	EndedReason:  "customer-ended-call",
	Instructions: "You take restaurant bookings.",
}

// fakeLLM starts a provider's fake with script and returns a client of it.
func fakeLLM(t *testing.T, provider string, s openaifake.Script) (voice.LLM, interface {
	Requests() []openaifake.Request
	Faults() *fault.Injector
}) {
	t.Helper()
	cfg := openaifake.Config{Script: s}
	spec := llmfallback.Spec{Provider: provider, APIKey: "test-key"}
	var (
		srv interface {
			Requests() []openaifake.Request
			Faults() *fault.Injector
			Close()
		}
	)
	switch provider {
	case "anthropic":
		f, err := anthropicfake.Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv, spec.BaseURL, spec.Model = f, f.BaseURL, "claude-haiku-4-5"
	case "gemini":
		f, err := geminifake.Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv, spec.BaseURL, spec.Model = f, f.BaseURL, "gemini-2.5-flash"
	default:
		f, err := openaifake.Start(openaifake.Options{Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		srv, spec.BaseURL, spec.Model = f, f.BaseURL, "gpt-4o-mini"
	}
	t.Cleanup(srv.Close)
	llm, err := llmfallback.NewClient(spec)
	if err != nil {
		t.Fatal(err)
	}
	return llm, srv
}

// Each provider, in its structured-output mode through its real wire
// protocol, gives a summary, data that follows the schema and an
// evaluation.
func TestAnalyzeOnEveryProvider(t *testing.T) {
	for _, provider := range []string{"openai", "anthropic", "gemini"} {
		t.Run(provider, func(t *testing.T) {
			llm, srv := fakeLLM(t, provider, script)
			r, usage, err := analysis.Analyze(context.Background(), llm, settings(), call, persistence.AnalysisResult{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary == nil || *r.Summary != "Ada booked a table for four." || r.SummaryError != nil {
				t.Fatalf("summary %v (%v)", r.Summary, r.SummaryError)
			}
			if string(r.StructuredData) != `{"name":"Ada","intent":"booking","seats":4}` || r.StructuredDataError != nil {
				t.Fatalf("structured data %s (%v)", r.StructuredData, r.StructuredDataError)
			}
			if r.Evaluation == nil || !r.Evaluation.Successful || r.Evaluation.Reason == "" || r.EvaluationError != nil {
				t.Fatalf("evaluation %+v (%v)", r.Evaluation, r.EvaluationError)
			}
			if r.Provider == nil || *r.Provider != provider || r.Model == nil || usage.PromptTokens == 0 || usage.CompletionTokens == 0 {
				t.Fatalf("served by %v %v, usage %+v", r.Provider, r.Model, usage)
			}
			if n := len(srv.Requests()); n != 3 {
				t.Fatalf("%d requests, want one per step", n)
			}
			body := string(srv.Requests()[0].Body)
			for _, want := range []string{"Caller: A table for four tonight, please. My name is Ada.",
				"Assistant: Booked for four at eight.", "The call ended with: customer-ended-call"} {
				if !strings.Contains(body, want) {
					t.Errorf("the summary request lacks %q: %s", want, body)
				}
			}
			if strings.Contains(body, "booked\"") || strings.Contains(body, "You take restaurant bookings") {
				t.Errorf("tool results or the system prompt leaked into the summary request: %s", body)
			}
		})
	}
}

// An answer that does not follow the schema is sent back once with the
// validation error; a corrected answer is kept.
func TestInvalidAnswerRetriedWithTheError(t *testing.T) {
	llm, srv := fakeLLM(t, "openai", openaifake.Script{Rules: []openaifake.Rule{
		{Contains: "does not follow the JSON Schema", JSON: json.RawMessage(`{"name":"Ada","intent":"booking"}`)},
		{JSON: json.RawMessage(`{"name":"Ada","intent":"dinner","seats":"four"}`)},
	}})
	s := settings()
	s.Summary.Enabled, s.Evaluation.Enabled = false, false
	r, _, err := analysis.Analyze(context.Background(), llm, s, call, persistence.AnalysisResult{})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.StructuredData) != `{"name":"Ada","intent":"booking"}` || r.StructuredDataError != nil || r.RejectedOutput != nil {
		t.Fatalf("kept %s (%v, %v)", r.StructuredData, r.StructuredDataError, r.RejectedOutput)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	var retry openaifake.ChatRequest
	if err := json.Unmarshal(reqs[1].Body, &retry); err != nil {
		t.Fatal(err)
	}
	n := len(retry.Messages)
	if retry.Messages[n-2].Role != "assistant" || retry.Messages[n-2].Text() != `{"name":"Ada","intent":"dinner","seats":"four"}` ||
		!strings.Contains(retry.Messages[n-1].Text(), "at '/intent': value must be one of") ||
		!strings.Contains(retry.Messages[n-1].Text(), "at '/seats': got string, want integer") {
		t.Fatalf("retry messages %+v", retry.Messages[n-2:])
	}
}

// Data that fails the schema twice is never stored as the data: the step
// ends with the error, and the last answer is kept apart.
func TestInvalidAnswerStoredWithItsError(t *testing.T) {
	llm, srv := fakeLLM(t, "anthropic", openaifake.Script{Rules: []openaifake.Rule{{JSON: json.RawMessage(`{"name":"Ada"}`)}}})
	s := settings()
	s.Summary.Enabled = false
	r, _, err := analysis.Analyze(context.Background(), llm, s, call, persistence.AnalysisResult{})
	if err != nil {
		t.Fatal(err)
	}
	if r.StructuredData != nil || r.StructuredDataError == nil || !strings.Contains(*r.StructuredDataError, "missing property 'intent'") ||
		r.RejectedOutput == nil || *r.RejectedOutput != `{"name":"Ada"}` {
		t.Fatalf("stored %s, error %v, rejected %v", r.StructuredData, r.StructuredDataError, r.RejectedOutput)
	}
	if r.EvaluationError == nil || r.Evaluation != nil { // the evaluation got the same answer
		t.Fatalf("evaluation %+v (%v)", r.Evaluation, r.EvaluationError)
	}
	if n := len(srv.Requests()); n != 4 {
		t.Fatalf("%d requests: want two per step", n)
	}
}

// A provider that refuses the request itself ends the step; one that is
// down fails the attempt, keeping the steps done before it, and the next
// attempt does only what is left.
func TestProviderFailures(t *testing.T) {
	llm, srv := fakeLLM(t, "openai", script)
	srv.Faults().Next(fault.Fault{Kind: fault.Unavailable}, 1)
	s := settings()
	r, _, err := analysis.Analyze(context.Background(), llm, s, call, persistence.AnalysisResult{})
	if err == nil || !llmfallback.Retryable(err) || r.Summary != nil {
		t.Fatalf("a 503: %v, result %+v", err, r)
	}
	srv.Faults().Next(fault.Fault{Kind: fault.None}, 1) // the summary passes
	srv.Faults().Next(fault.Fault{Kind: fault.ServerError}, 1)
	r, _, err = analysis.Analyze(context.Background(), llm, s, call, r)
	if err == nil || r.Summary == nil || r.StructuredData != nil {
		t.Fatalf("a 500 mid-way: %v, result %+v", err, r)
	}
	before := len(srv.Requests())
	r, _, err = analysis.Analyze(context.Background(), llm, s, call, r)
	if err != nil || r.StructuredData == nil || r.Evaluation == nil {
		t.Fatalf("the next attempt: %v, result %+v", err, r)
	}
	if n := len(srv.Requests()) - before; n != 2 {
		t.Fatalf("the next attempt made %d requests: the summary was asked again", n)
	}

	refusing, _ := fakeLLM(t, "openai", openaifake.Script{})
	s.Summary.Enabled, s.Evaluation.Enabled = false, false
	s.StructuredData.Schema = map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"type": "string"}}}
	r, _, err = analysis.Analyze(context.Background(), failing{refusing}, s, call, persistence.AnalysisResult{})
	if err != nil || r.StructuredDataError == nil || !strings.Contains(*r.StructuredDataError, "refused the request") {
		t.Fatalf("a 400: %v, %+v", err, r)
	}
}

// failing sends every request with an invalid name, which the service
// refuses with a 400.
type failing struct{ voice.LLM }

func (f failing) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	if req.Output != nil {
		out := *req.Output
		out.Name = "not a valid name"
		req.Output = &out
	}
	return f.LLM.Generate(ctx, req, emit)
}

// A schema that does not compile ends its step without asking the model.
func TestUnusableSchema(t *testing.T) {
	llm, srv := fakeLLM(t, "openai", script)
	s := settings()
	s.Summary.Enabled, s.Evaluation.Enabled = false, false
	s.StructuredData.Schema = map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"$ref": "https://example.com/s.json"}}}
	r, _, err := analysis.Analyze(context.Background(), llm, s, call, persistence.AnalysisResult{})
	if err != nil || r.StructuredDataError == nil || !strings.Contains(*r.StructuredDataError, schemacheck.ErrExternalRef.Error()) ||
		len(srv.Requests()) != 0 {
		t.Fatalf("%v, %+v, %d requests", err, r, len(srv.Requests()))
	}
}
