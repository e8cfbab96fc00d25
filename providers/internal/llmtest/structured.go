package llmtest

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

// LeadSchema is the structured output the clients' tests ask for: a
// closed object, with a keyword (additionalProperties) Gemini's Schema
// does not take.
func LeadSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"name":      map[string]any{"type": "string", "description": "The caller's name"},
			"sentiment": map[string]any{"type": "string", "enum": []any{"positive", "neutral", "negative"}},
			"callback":  map[string]any{"type": "boolean"},
			"seats":     map[string]any{"type": "integer", "minimum": 2},
		},
		"required":             []any{"name", "callback"},
		"additionalProperties": false,
	}
}

// StructuredRequest asks for LeadSchema about text.
func StructuredRequest(text string) voice.LLMRequest {
	req := UserRequest(text)
	req.Output = &voice.StructuredOutput{Name: "lead", Description: "What the call says about the lead.", Schema: LeadSchema()}
	return req
}

// StructuredScript answers structured requests mentioning "Ada" with a
// lead that follows LeadSchema, and those mentioning "Bob" with one that
// does not.
var StructuredScript = openaifake.Script{Rules: []openaifake.Rule{
	{Contains: "Ada", JSON: json.RawMessage(`{"name": "Ada", "callback": true, "seats": 4}`)},
	{Contains: "Bob", JSON: json.RawMessage(`{"name": "Bob", "seats": 1}`)},
}}

// CheckStructured runs StructuredRequest(text) on c and checks that the
// reply's text is want, or, when want is "", a JSON object that follows
// LeadSchema.
func CheckStructured(t *testing.T, c voice.LLM, text, want string) *openaifake.Events {
	t.Helper()
	rec, err := Generate(t, c, StructuredRequest(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Calls()) != 0 {
		t.Errorf("structured output came as tool calls %+v", rec.Calls())
	}
	got := rec.Text()
	if want != "" {
		if got != want {
			t.Errorf("structured reply %s, want %s", got, want)
		}
		return rec
	}
	s, err := schemacheck.Compile(LeadSchema())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate([]byte(got)); err != nil {
		t.Errorf("made-up reply %s does not follow the schema: %v", got, err)
	}
	return rec
}
