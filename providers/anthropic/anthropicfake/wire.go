package anthropicfake

import (
	"encoding/json"
	"strings"
)

// MessagesRequest is a Messages API request as the service reads it;
// pointers tell absent fields from zero ones, so tests can assert what a
// client sent.
type MessagesRequest struct {
	Model         string          `json:"model"`
	MaxTokens     *int            `json:"max_tokens"`
	System        json.RawMessage `json:"system"` // a string or text blocks
	Messages      []Message       `json:"messages"`
	Tools         []Tool          `json:"tools"`
	ToolChoice    json.RawMessage `json:"tool_choice"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	TopK          *int            `json:"top_k"`
	StopSequences []string        `json:"stop_sequences"`
	Stream        bool            `json:"stream"`
}

// Message is one turn.
type Message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // a string or blocks
}

// Block is a content block.
type Block struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"` // a tool result: a string or blocks
}

// Tool is a tool offered to the model.
type Tool struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	InputSchema json.RawMessage `json:"input_schema"`
}

// ToolChoiceOf decodes tool_choice: its type (auto when absent) and the
// tool a "tool" choice names.
func (r *MessagesRequest) ToolChoiceOf() (typ, name string) {
	var c struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	_ = json.Unmarshal(r.ToolChoice, &c)
	if c.Type == "" {
		c.Type = "auto"
	}
	return c.Type, c.Name
}

// Forced is the tool a "tool" choice makes the model call, nil otherwise.
func (r *MessagesRequest) Forced() *Tool {
	if typ, name := r.ToolChoiceOf(); typ == "tool" {
		for i := range r.Tools {
			if r.Tools[i].Name == name {
				return &r.Tools[i]
			}
		}
	}
	return nil
}

// Blocks returns a message's content as blocks; a string is one text block.
func (m Message) Blocks() []Block {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return []Block{{Type: "text", Text: &s}}
	}
	var bs []Block
	_ = json.Unmarshal(m.Content, &bs)
	return bs
}

// SystemText is the system prompt, whether a string or text blocks.
func (r *MessagesRequest) SystemText() string { return text(r.System) }

// ResultText is a tool_result block's content as text.
func (b Block) ResultText() string { return text(b.Content) }

func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var bs []Block
	_ = json.Unmarshal(raw, &bs)
	var out strings.Builder
	for _, b := range bs {
		if b.Type == "text" && b.Text != nil {
			out.WriteString(*b.Text)
		}
	}
	return out.String()
}

// Streamed events, fields in the service's order.
type (
	messageStart struct {
		Type    string      `json:"type"`
		Message messageHead `json:"message"`
	}
	messageHead struct {
		ID           string     `json:"id"`
		Type         string     `json:"type"`
		Role         string     `json:"role"`
		Model        string     `json:"model"`
		Content      []struct{} `json:"content"`
		StopReason   *string    `json:"stop_reason"`
		StopSequence *string    `json:"stop_sequence"`
		Usage        usage      `json:"usage"`
	}
	usage struct {
		InputTokens              int `json:"input_tokens"`
		CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
		CacheReadInputTokens     int `json:"cache_read_input_tokens"`
		OutputTokens             int `json:"output_tokens"`
	}
	blockStart struct {
		Type         string     `json:"type"`
		Index        int        `json:"index"`
		ContentBlock startBlock `json:"content_block"`
	}
	startBlock struct {
		Type  string    `json:"type"`
		Text  *string   `json:"text,omitempty"`
		ID    string    `json:"id,omitempty"`
		Name  string    `json:"name,omitempty"`
		Input *struct{} `json:"input,omitempty"`
	}
	blockDelta struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
		Delta delta  `json:"delta"`
	}
	delta struct {
		Type        string  `json:"type"`
		Text        *string `json:"text,omitempty"`
		PartialJSON *string `json:"partial_json,omitempty"`
	}
	blockStop struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	messageDelta struct {
		Type  string      `json:"type"`
		Delta stopDelta   `json:"delta"`
		Usage outputUsage `json:"usage"`
	}
	stopDelta struct {
		StopReason   string  `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	}
	outputUsage struct {
		OutputTokens int `json:"output_tokens"`
	}
	typeOnly struct {
		Type string `json:"type"`
	}
)
