package voice

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Role of a conversation message.
type Role string

// Roles.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Message is one entry of the conversation sent to a language model.
type Message struct {
	Role       Role
	Content    string
	ToolCalls  []ToolCall // an assistant message's calls
	ToolCallID string     // a tool message answers this call
}

// ToolCall is a model asking to call a tool.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string // JSON object
	// ProviderData is opaque data the provider needs back with the call in
	// later requests (Gemini's thought signatures); it stays in the history.
	ProviderData string
}

// Tool is a function offered to the model.
type Tool struct {
	Name        string
	Description string
	Parameters  map[string]any // JSON Schema of an object
}

// LLMRequest is one generation.
type LLMRequest struct {
	Messages []Message // system prompt first
	Tools    []Tool
	Settings assistant.LLMSettings
	// Output, when set, asks for structured output: the reply's text is
	// one JSON object meant to match Output.Schema, produced in the
	// provider's structured-output mode. Nothing checks that it does: the
	// caller validates it.
	Output *StructuredOutput
}

// StructuredOutput describes the JSON object a reply must be.
type StructuredOutput struct {
	// Name labels the schema ([A-Za-z0-9_-], at most 64 characters): the
	// response format's name, or the tool the model is made to call.
	Name        string
	Description string
	Schema      map[string]any // JSON Schema of an object
}

// LLM generates replies. Implementations choose the provider and its
// fallbacks; callers see only the events.
type LLM interface {
	// Generate streams a reply through emit and returns when it is
	// complete (nil), cancelled (ctx.Err()) or failed on every provider.
	// Cancelling ctx stops the request and its connection promptly.
	Generate(ctx context.Context, req LLMRequest, emit func(LLMEvent)) error
}

// LLMEvent is what a generation emits: *TextDelta, *ToolCallEvent,
// *LLMUsage, *LLMServed or *LLMDone.
type LLMEvent interface{ llmEvent() }

// TextDelta is the next piece of the reply's text.
type TextDelta struct{ Text string }

// ToolCallEvent is one complete tool call (arguments fully assembled).
type ToolCallEvent struct{ Call ToolCall }

// LLMUsage counts tokens.
type LLMUsage struct{ PromptTokens, CompletionTokens int }

// LLMServed names the provider answering, once it produced its first token;
// Fallback is set when an earlier provider failed.
type LLMServed struct {
	Provider, Model string
	FirstToken      time.Duration // from the request to the first token
	Fallback        bool
	FailedProviders []string
}

// LLMDone ends a generation; Reason is the provider's (stop, tool_calls, length…).
type LLMDone struct{ Reason string }

func (*TextDelta) llmEvent()     {}
func (*ToolCallEvent) llmEvent() {}
func (*LLMUsage) llmEvent()      {}
func (*LLMServed) llmEvent()     {}
func (*LLMDone) llmEvent()       {}
