package openaifake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/switchboard-voice/switchboard/providers/internal/jsonsample"
)

// Script decides what a fake model answers. It is plain data, loadable from
// JSON, and shared by the OpenAI, Anthropic and Gemini fakes:
//
//	{"rules": [
//	   {"contains": "weather", "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}],
//	    "after_tool": "It is {result} in Paris."},
//	   {"regexp": "(?i)^(bye|goodbye)\\b", "reply": "Goodbye!"},
//	   {"contains": "Transcript:", "json": {"intent": "booking"}}],
//	 "default": "You said: {user}"}
//
// A rule with json answers requests for structured output (a JSON Schema
// the reply must follow) and only those; the others answer prose. A
// structured request no json rule matches gets a value made up from its
// schema (package jsonsample).
type Script struct {
	// Rules are tried in order against the last user message; the first
	// that matches answers.
	Rules []Rule `json:"rules,omitempty"`
	// Default answers a message no rule matches; {user} stands for the
	// message. Empty means "You said: {user}".
	Default string `json:"default,omitempty"`
	// AfterTool answers once tool results come back, for rules without
	// their own; {result} stands for the results, one per line, and {user}
	// for the message that led to the call. Empty means "Done.".
	AfterTool string `json:"after_tool,omitempty"`
}

// Rule answers user messages that match it: Contains (a case-insensitive
// substring) and Regexp (RE2), each only if set; a rule with neither
// matches every message.
type Rule struct {
	Contains  string     `json:"contains,omitempty"`
	Regexp    string     `json:"regexp,omitempty"`
	Reply     string     `json:"reply,omitempty"`      // {user} stands for the message
	ToolCalls []ToolCall `json:"tool_calls,omitempty"` // {user} in a string argument stands for the message
	AfterTool string     `json:"after_tool,omitempty"` // see Script.AfterTool
	// JSON answers a request for structured output: a JSON object, sent
	// as it is whether or not it follows the request's schema (a real
	// model's may not).
	JSON json.RawMessage `json:"json,omitempty"`
}

// ToolCall is a call the model makes.
type ToolCall struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments,omitempty"` // a JSON object; empty means {}
}

// Exchange is what a script sees of a conversation.
type Exchange struct {
	User string // text of the last user message
	// ToolResults are the results of the model's last tool calls, when the
	// conversation ends with them.
	ToolResults []string
	// Schema is the JSON Schema of the structured output the request asks
	// for; nil for a reply in prose.
	Schema map[string]any
}

// Reply is the model's answer: text, then tool calls. A structured reply
// is its JSON text, without tool calls.
type Reply struct {
	Text      string
	ToolCalls []ToolCall // arguments compact
}

// Responder is a compiled Script.
type Responder struct {
	s     Script
	rules []rule
}

type rule struct {
	Rule
	lower string
	re    *regexp.Regexp
}

// LoadScript reads a script from JSON, refusing unknown fields, and checks
// it compiles.
func LoadScript(r io.Reader) (Script, error) {
	var s Script
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Script{}, fmt.Errorf("%w: %w", ErrScript, err)
	}
	if _, err := s.Compile(); err != nil {
		return Script{}, err
	}
	return s, nil
}

// Compile checks the script: regular expressions compile, arguments are
// JSON objects, tools are named.
func (s Script) Compile() (*Responder, error) {
	r := &Responder{s: s}
	for i, ru := range s.Rules {
		c := rule{Rule: ru, lower: strings.ToLower(ru.Contains)}
		if ru.Regexp != "" {
			re, err := regexp.Compile(ru.Regexp)
			if err != nil {
				return nil, fmt.Errorf("%w: rule %d: %w", ErrScript, i, err)
			}
			c.re = re
		}
		c.ToolCalls = make([]ToolCall, len(ru.ToolCalls))
		for j, tc := range ru.ToolCalls {
			if tc.Name == "" {
				return nil, fmt.Errorf("%w: rule %d, call %d: no name", ErrScript, i, j)
			}
			args := []byte("{}")
			if len(bytes.TrimSpace(tc.Arguments)) > 0 {
				var obj map[string]json.RawMessage
				if err := json.Unmarshal(tc.Arguments, &obj); err != nil || obj == nil {
					return nil, fmt.Errorf("%w: rule %d, call %d: arguments are not a JSON object", ErrScript, i, j)
				}
				var b bytes.Buffer
				_ = json.Compact(&b, tc.Arguments)
				args = b.Bytes()
			}
			c.ToolCalls[j] = ToolCall{Name: tc.Name, Arguments: args}
		}
		if len(ru.JSON) > 0 {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(ru.JSON, &obj); err != nil || obj == nil {
				return nil, fmt.Errorf("%w: rule %d: json is not a JSON object", ErrScript, i)
			}
			var b bytes.Buffer
			_ = json.Compact(&b, ru.JSON)
			c.JSON = b.Bytes()
		}
		r.rules = append(r.rules, c)
	}
	return r, nil
}

// Respond answers an exchange; the same exchange always gets the same reply.
func (r *Responder) Respond(x Exchange) Reply {
	ru := r.match(x.User, x.Schema != nil)
	if x.Schema != nil {
		if ru != nil {
			return Reply{Text: string(ru.JSON)}
		}
		b, _ := json.Marshal(jsonsample.Sample(x.Schema)) // plain JSON values: cannot fail
		return Reply{Text: string(b)}
	}
	if len(x.ToolResults) > 0 {
		text := r.s.AfterTool
		if ru != nil && ru.AfterTool != "" {
			text = ru.AfterTool
		}
		if text == "" {
			text = "Done."
		}
		return Reply{Text: strings.NewReplacer("{result}", strings.Join(x.ToolResults, "\n"), "{user}", x.User).Replace(text)}
	}
	if ru == nil {
		text := r.s.Default
		if text == "" {
			text = "You said: {user}"
		}
		return Reply{Text: strings.ReplaceAll(text, "{user}", x.User)}
	}
	return Reply{Text: strings.ReplaceAll(ru.Reply, "{user}", x.User), ToolCalls: withUser(ru.ToolCalls, x.User)}
}

// withUser puts the message into tool calls' arguments where they say
// {user} (inside a JSON string: escaped as one).
func withUser(calls []ToolCall, user string) []ToolCall {
	quoted, _ := json.Marshal(user) // a string: cannot fail
	escaped := string(quoted[1 : len(quoted)-1])
	var out []ToolCall
	for i, tc := range calls {
		if !bytes.Contains(tc.Arguments, []byte("{user}")) {
			continue
		}
		if out == nil {
			out = slices.Clone(calls)
		}
		out[i].Arguments = bytes.ReplaceAll(tc.Arguments, []byte("{user}"), []byte(escaped))
	}
	if out == nil {
		return calls
	}
	return out
}

// match finds the first rule for the kind of request (structured or
// prose) that matches user.
func (r *Responder) match(user string, structured bool) *rule {
	lower := strings.ToLower(user)
	for i := range r.rules {
		ru := &r.rules[i]
		if (len(ru.JSON) > 0) != structured {
			continue
		}
		if ru.lower != "" && !strings.Contains(lower, ru.lower) {
			continue
		}
		if ru.re != nil && !ru.re.MatchString(user) {
			continue
		}
		return ru
	}
	return nil
}
