package openaifake

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestScript(t *testing.T) {
	var s Script
	err := json.Unmarshal([]byte(`{
		"rules": [
			{"contains": "Weather", "reply": "Checking.", "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}], "after_tool": "It is {result} ({user})."},
			{"regexp": "(?i)^(bye|goodbye)\\b", "reply": "Goodbye!"},
			{"contains": "order", "regexp": "[0-9]+", "reply": "Order noted."},
			{"contains": "Transcript", "json": {"intent": "booking", "n": 2}}
		],
		"default": "Echo: {user}",
		"after_tool": "Tool said {result}"}`), &s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		x    Exchange
		want Reply
	}{
		{Exchange{User: "what's the weather?"}, Reply{Text: "Checking.", ToolCalls: []ToolCall{{Name: "get_weather", Arguments: json.RawMessage(`{"city":"Paris"}`)}}}},
		{Exchange{User: "Transcript: hi", Schema: map[string]any{"type": "object"}}, Reply{Text: `{"intent":"booking","n":2}`}},
		{Exchange{User: "Transcript: hi"}, Reply{Text: "Echo: Transcript: hi"}}, // json answers structured requests only
		{Exchange{User: "what's the weather?", Schema: map[string]any{"type": "object",
			"properties": map[string]any{"ok": map[string]any{"type": "boolean"}}}}, Reply{Text: `{"ok":true}`}}, // made up from the schema
		{Exchange{User: "what's the weather?", ToolResults: []string{"sunny", "20C"}}, Reply{Text: "It is sunny\n20C (what's the weather?)."}},
		{Exchange{User: "Goodbye now"}, Reply{Text: "Goodbye!"}},
		{Exchange{User: "my order"}, Reply{Text: "Echo: my order"}}, // both conditions must hold
		{Exchange{User: "my order 42"}, Reply{Text: "Order noted."}},
		{Exchange{User: "my order 42", ToolResults: []string{"x"}}, Reply{Text: "Tool said x"}},
		{Exchange{User: "hello"}, Reply{Text: "Echo: hello"}},
	} {
		got := r.Respond(tc.x)
		if got.Text != tc.want.Text || !slices.EqualFunc(got.ToolCalls, tc.want.ToolCalls, func(a, b ToolCall) bool {
			return a.Name == b.Name && string(a.Arguments) == string(b.Arguments)
		}) {
			t.Errorf("%+v: got %+v, want %+v", tc.x, got, tc.want)
		}
	}
	empty, _ := Script{}.Compile()
	if got := empty.Respond(Exchange{User: "hi"}); got.Text != "You said: hi" {
		t.Errorf("default %q", got.Text)
	}
	if got := empty.Respond(Exchange{User: "hi", ToolResults: []string{"r"}}); got.Text != "Done." {
		t.Errorf("after tool %q", got.Text)
	}
	catchAll, _ := Script{Rules: []Rule{{Reply: "Always."}}}.Compile()
	if got := catchAll.Respond(Exchange{User: "anything"}); got.Text != "Always." {
		t.Errorf("catch-all %q", got.Text)
	}
}

func TestScriptInvalid(t *testing.T) {
	for _, s := range []Script{
		{Rules: []Rule{{Regexp: "("}}},
		{Rules: []Rule{{ToolCalls: []ToolCall{{Name: ""}}}}},
		{Rules: []Rule{{ToolCalls: []ToolCall{{Name: "f", Arguments: json.RawMessage(`[1]`)}}}}},
		{Rules: []Rule{{ToolCalls: []ToolCall{{Name: "f", Arguments: json.RawMessage(`null`)}}}}},
		{Rules: []Rule{{JSON: json.RawMessage(`[1]`)}}},
		{Rules: []Rule{{JSON: json.RawMessage(`{"a":`)}}},
	} {
		if _, err := s.Compile(); !errors.Is(err, ErrScript) {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Hello world, ça va?")
	want := []string{"Hell", "o", " wor", "ld,", " ça", " va?"}
	if !slices.Equal(got, want) {
		t.Fatalf("%q", got)
	}
	if Tokens("") != nil {
		t.Fatal("empty text has tokens")
	}
	out := Generate("one two STOP three", []string{"", "STOP", "two"}, 0)
	if !slices.Equal(out.Tokens, []string{"one", " "}) || out.Stop != "two" || out.Truncated {
		t.Fatalf("%+v", out)
	}
	out = Generate("one two three", nil, 2)
	if !slices.Equal(out.Tokens, []string{"one", " two"}) || !out.Truncated {
		t.Fatalf("%+v", out)
	}
}

func TestLoadScript(t *testing.T) {
	s, err := LoadScript(strings.NewReader(`{"rules":[{"contains":"hi","reply":"Hello!"}],"default":"?"}`))
	if err != nil || len(s.Rules) != 1 || s.Rules[0].Reply != "Hello!" || s.Default != "?" {
		t.Fatalf("%+v %v", s, err)
	}
	for _, bad := range []string{`{"rulez":[]}`, `{"rules":[{"regexp":"("}]}`, `[`} {
		if _, err := LoadScript(strings.NewReader(bad)); !errors.Is(err, ErrScript) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestToolArgumentsCarryTheMessage(t *testing.T) {
	r, err := Script{Rules: []Rule{{Contains: "price", ToolCalls: []ToolCall{{Name: "search", Arguments: []byte(`{"query": "{user}"}`)}}}}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	got := r.Respond(Exchange{User: `What "price" is it?`})
	if len(got.ToolCalls) != 1 || string(got.ToolCalls[0].Arguments) != `{"query":"What \"price\" is it?"}` {
		t.Fatalf("%+v", got.ToolCalls)
	}
	if again := r.Respond(Exchange{User: "price"}); string(again.ToolCalls[0].Arguments) != `{"query":"price"}` {
		t.Fatalf("the rule's own arguments changed: %s", again.ToolCalls[0].Arguments)
	}
}
