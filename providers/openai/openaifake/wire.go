package openaifake

import (
	"encoding/json"
	"strings"
)

// ChatRequest is a Chat Completions request as the service reads it;
// pointers tell absent fields from zero ones, so tests can assert what a
// client sent.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []ChatMessage   `json:"messages"`
	Tools               []ChatTool      `json:"tools"`
	ToolChoice          json.RawMessage `json:"tool_choice"`
	Stream              bool            `json:"stream"`
	StreamOptions       *StreamOptions  `json:"stream_options"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	FrequencyPenalty    *float64        `json:"frequency_penalty"`
	PresencePenalty     *float64        `json:"presence_penalty"`
	Stop                json.RawMessage `json:"stop"` // a string or an array
	N                   *int            `json:"n"`
	ResponseFormat      *ResponseFormat `json:"response_format"`
}

// ResponseFormat asks for JSON: type text, json_object or json_schema.
type ResponseFormat struct {
	Type       string `json:"type"`
	JSONSchema *struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Schema      json.RawMessage `json:"schema"`
		Strict      *bool           `json:"strict"`
	} `json:"json_schema"`
}

// Schema is the structured output's JSON Schema: a json_schema format's
// schema, an empty one for json_object (any JSON object), nil otherwise.
func (r *ChatRequest) Schema() map[string]any {
	f := r.ResponseFormat
	switch {
	case f == nil:
		return nil
	case f.Type == "json_object":
		return map[string]any{"type": "object"}
	case f.Type == "json_schema" && f.JSONSchema != nil:
		var s map[string]any
		_ = json.Unmarshal(f.JSONSchema.Schema, &s)
		return s
	}
	return nil
}

// StreamOptions are a streaming request's options.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ChatMessage is one message of a request.
type ChatMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"` // a string, an array of parts, or null
	ToolCalls  []ChatToolCall  `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

// ChatToolCall is an assistant message's tool call.
type ChatToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// ChatTool is a function offered to the model.
type ChatTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// Text is a message's text: its string content, or its text parts joined.
func (m ChatMessage) Text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(m.Content, &parts)
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// StopSequences decodes stop, a string or an array.
func (r *ChatRequest) StopSequences() []string {
	var one string
	if json.Unmarshal(r.Stop, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(r.Stop, &many)
	return many
}

// chunk is a chat.completion.chunk, fields in the service's order.
type chunk struct {
	ID                  string          `json:"id"`
	Object              string          `json:"object"`
	Created             int64           `json:"created"`
	Model               string          `json:"model"`
	SystemFingerprint   string          `json:"system_fingerprint"`
	Choices             []choice        `json:"choices"`
	Usage               json.RawMessage `json:"usage,omitempty"`
	PromptFilterResults json.RawMessage `json:"prompt_filter_results,omitempty"`
	Obfuscation         string          `json:"obfuscation,omitempty"`
}

type choice struct {
	Index                int             `json:"index"`
	Delta                delta           `json:"delta"`
	Logprobs             json.RawMessage `json:"logprobs"`
	FinishReason         *string         `json:"finish_reason"`
	ContentFilterResults json.RawMessage `json:"content_filter_results,omitempty"`
}

type delta struct {
	Role      string          `json:"role,omitempty"`
	Content   *string         `json:"content,omitempty"`
	Refusal   json.RawMessage `json:"refusal,omitempty"`
	ToolCalls []toolDelta     `json:"tool_calls,omitempty"`
}

type toolDelta struct {
	Index    int           `json:"index"`
	ID       string        `json:"id,omitempty"`
	Type     string        `json:"type,omitempty"`
	Function functionDelta `json:"function"`
}

type functionDelta struct {
	Name      string  `json:"name,omitempty"`
	Arguments *string `json:"arguments,omitempty"`
}

type usage struct {
	PromptTokens            int `json:"prompt_tokens"`
	CompletionTokens        int `json:"completion_tokens"`
	TotalTokens             int `json:"total_tokens"`
	PromptTokensDetails     any `json:"prompt_tokens_details"`
	CompletionTokensDetails any `json:"completion_tokens_details"`
}
