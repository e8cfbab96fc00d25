package anthropic

import (
	"encoding/json"
	"strings"

	"github.com/switchboard-voice/switchboard/voice"
)

type request struct {
	Model         string      `json:"model"`
	MaxTokens     int         `json:"max_tokens"`
	System        string      `json:"system,omitempty"`
	Messages      []message   `json:"messages"`
	Tools         []tool      `json:"tools,omitempty"`
	ToolChoice    *toolChoice `json:"tool_choice,omitempty"`
	Temperature   *float64    `json:"temperature,omitempty"`
	TopP          *float64    `json:"top_p,omitempty"`
	StopSequences []string    `json:"stop_sequences,omitempty"`
	Stream        bool        `json:"stream"`
}

type message struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

type block struct {
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   *string         `json:"content,omitempty"`
}

type tool struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	InputSchema map[string]any `json:"input_schema"`
}

type toolChoice struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"` // the tool a "tool" choice forces
}

var emptySchema = map[string]any{"type": "object", "properties": map[string]any{}}

// defaultMaxTokens is sent when the settings have none: the service
// requires max_tokens.
const defaultMaxTokens = 1024

// opening stands in for the caller when the conversation starts with the
// assistant (a spoken greeting): the Messages API has required the first
// message to be the user's [unverified whether it still does], and a
// placeholder costs nothing where it does not.
const opening = "(call connected)"

// body maps a request. System messages become the top-level system prompt;
// assistant tool calls become tool_use blocks and tool results user
// tool_result blocks; consecutive messages of one role merge into one
// turn, as the service expects. Settings: max_tokens (required);
// temperature, clamped to the service's 0..1; top_p instead of temperature
// when it restricts sampling (0 < p < 1), since recent models refuse both;
// stop sequences. The service has no frequency or presence penalty.
// Structured output is a tool named after the output, whose input schema
// is the output's, that the model is made to call (tool_choice "tool"):
// the API's way to get a JSON object that follows a schema.
func (c *Client) body(req voice.LLMRequest) ([]byte, error) {
	set := req.Settings
	r := request{Model: c.model, MaxTokens: set.MaxTokens, Stream: true}
	if r.MaxTokens <= 0 {
		r.MaxTokens = defaultMaxTokens
	}
	var system []string
	add := func(role string, b ...block) {
		if n := len(r.Messages); n > 0 && r.Messages[n-1].Role == role {
			r.Messages[n-1].Content = append(r.Messages[n-1].Content, b...)
			return
		}
		r.Messages = append(r.Messages, message{Role: role, Content: b})
	}
	for _, m := range req.Messages {
		switch m.Role {
		case voice.RoleSystem:
			if m.Content != "" {
				system = append(system, m.Content)
			}
		case voice.RoleUser:
			if m.Content != "" {
				add("user", block{Type: "text", Text: m.Content})
			}
		case voice.RoleAssistant:
			if len(r.Messages) == 0 {
				add("user", block{Type: "text", Text: opening})
			}
			var bs []block
			if m.Content != "" {
				bs = append(bs, block{Type: "text", Text: m.Content})
			}
			for _, tc := range m.ToolCalls {
				bs = append(bs, block{Type: "tool_use", ID: tc.ID, Name: tc.Name, Input: input(tc.Arguments)})
			}
			if len(bs) > 0 {
				add("assistant", bs...)
			}
		case voice.RoleTool:
			content := m.Content
			add("user", block{Type: "tool_result", ToolUseID: m.ToolCallID, Content: &content})
		}
	}
	r.System = strings.Join(system, "\n\n")
	for _, t := range req.Tools {
		schema := t.Parameters
		if schema == nil {
			schema = emptySchema
		}
		r.Tools = append(r.Tools, tool{Name: t.Name, Description: t.Description, InputSchema: schema})
	}
	switch o := req.Output; {
	case o != nil:
		r.Tools = append(r.Tools, tool{Name: o.Name, Description: o.Description, InputSchema: o.Schema})
		r.ToolChoice = &toolChoice{Type: "tool", Name: o.Name}
	case len(r.Tools) > 0:
		r.ToolChoice = &toolChoice{Type: "auto"}
	}
	if set.TopP > 0 && set.TopP < 1 {
		p := set.TopP
		r.TopP = &p
	} else {
		t := min(set.Temperature, 1)
		r.Temperature = &t
	}
	for _, s := range set.StopSequences {
		if strings.TrimSpace(s) != "" { // the service refuses whitespace-only sequences
			r.StopSequences = append(r.StopSequences, s)
		}
	}
	return json.Marshal(r)
}

// input is a tool call's arguments as a JSON object, {} if they are not one.
func input(args string) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(args), &obj) != nil || obj == nil {
		return json.RawMessage("{}")
	}
	return json.RawMessage(args)
}
