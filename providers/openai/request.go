package openai

import (
	"encoding/json"
	"strings"

	"github.com/switchboard-voice/switchboard/voice"
)

type chatRequest struct {
	Model               string        `json:"model,omitempty"` // Azure names the deployment in the URL
	Messages            []message     `json:"messages"`
	Tools               []tool        `json:"tools,omitempty"`
	ToolChoice          string        `json:"tool_choice,omitempty"`
	Stream              bool          `json:"stream"`
	StreamOptions       streamOptions `json:"stream_options"`
	Temperature         *float64      `json:"temperature,omitempty"`
	TopP                *float64      `json:"top_p,omitempty"`
	MaxTokens           int           `json:"max_tokens,omitempty"`
	MaxCompletionTokens int           `json:"max_completion_tokens,omitempty"`
	FrequencyPenalty    float64       `json:"frequency_penalty,omitempty"`
	PresencePenalty     float64       `json:"presence_penalty,omitempty"`
	Stop                []string      `json:"stop,omitempty"`
	ResponseFormat      *responseFmt  `json:"response_format,omitempty"`
}

// responseFmt asks for structured output (type json_schema).
type responseFmt struct {
	Type       string     `json:"type"`
	JSONSchema jsonSchema `json:"json_schema"`
}

type jsonSchema struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Schema      map[string]any `json:"schema"`
	// Strict false: strict mode accepts only a subset of JSON Schema
	// (every property required, no additionalProperties), which tenants'
	// schemas rarely meet; the caller validates the reply instead.
	Strict bool `json:"strict"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type message struct {
	Role       string     `json:"role"`
	Content    *string    `json:"content"` // null for an assistant message with only tool calls
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type toolCall struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Function function `json:"function"`
}

type function struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type tool struct {
	Type     string   `json:"type"`
	Function toolFunc `json:"function"`
}

type toolFunc struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters"`
}

// emptySchema stands for a tool without parameters.
var emptySchema = map[string]any{"type": "object", "properties": map[string]any{}}

// maxStop is the service's limit on stop sequences.
const maxStop = 4

// reasoning reports the models that reject max_tokens and any non-default
// temperature, top_p, penalties or stop: the o-series (o1, o3, o4…) and
// GPT-5, except the GPT-5 chat models, which behave like GPT-4o. For those
// the request carries max_completion_tokens and no sampling parameters.
// Every other model gets max_tokens, which every compatible server (Groq,
// xAI, vLLM, Ollama, older Azure api-versions) understands.
func reasoning(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return !strings.Contains(model, "-chat")
		}
	}
	return false
}

// body maps a request: messages as they are, tools as functions with
// tool_choice auto, structured output as a json_schema response_format,
// usage asked for, and the settings: temperature always;
// top_p only when it restricts sampling (0 < p < 1; 0 is taken as unset);
// penalties when not 0; max tokens when set; at most four stop sequences,
// omitted when there are none.
func (c *Client) body(req voice.LLMRequest) ([]byte, error) {
	set := req.Settings
	r := chatRequest{Stream: true, StreamOptions: streamOptions{IncludeUsage: true}, Messages: make([]message, 0, len(req.Messages))}
	if !c.azure {
		r.Model = c.model
	}
	for _, m := range req.Messages {
		content := m.Content
		w := message{Role: string(m.Role), Content: &content, ToolCallID: m.ToolCallID}
		for _, tc := range m.ToolCalls {
			args := tc.Arguments
			if args == "" {
				args = "{}"
			}
			w.ToolCalls = append(w.ToolCalls, toolCall{ID: tc.ID, Type: "function", Function: function{Name: tc.Name, Arguments: args}})
		}
		if m.Role == voice.RoleAssistant && content == "" && len(w.ToolCalls) > 0 {
			w.Content = nil
		}
		r.Messages = append(r.Messages, w)
	}
	for _, t := range req.Tools {
		params := t.Parameters
		if params == nil {
			params = emptySchema
		}
		r.Tools = append(r.Tools, tool{Type: "function", Function: toolFunc{Name: t.Name, Description: t.Description, Parameters: params}})
	}
	if len(r.Tools) > 0 {
		r.ToolChoice = "auto"
	}
	if o := req.Output; o != nil {
		r.ResponseFormat = &responseFmt{Type: "json_schema",
			JSONSchema: jsonSchema{Name: o.Name, Description: o.Description, Schema: o.Schema}}
	}
	if reasoning(c.model) {
		r.MaxCompletionTokens = set.MaxTokens
	} else {
		r.MaxTokens = set.MaxTokens
		temp := set.Temperature
		r.Temperature = &temp
		if set.TopP > 0 && set.TopP < 1 {
			topP := set.TopP
			r.TopP = &topP
		}
		r.FrequencyPenalty, r.PresencePenalty = set.FrequencyPenalty, set.PresencePenalty
		for _, s := range set.StopSequences {
			if s != "" && len(r.Stop) < maxStop {
				r.Stop = append(r.Stop, s)
			}
		}
	}
	return json.Marshal(r)
}
