package anthropicfake

import (
	"regexp"
	"strings"
)

var toolName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// validate checks a request as the service does, with its messages.
func validate(req *MessagesRequest) *apiError {
	switch {
	case req.Model == "":
		return invalid("model: Field required")
	case req.MaxTokens == nil:
		return invalid("max_tokens: Field required")
	case *req.MaxTokens < 1:
		return invalid("max_tokens: Input should be greater than or equal to 1")
	case req.Messages == nil:
		return invalid("messages: Field required")
	case len(req.Messages) == 0:
		return invalid("messages: at least one message is required")
	case req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 1):
		return invalid("temperature: range: 0..1")
	case req.TopP != nil && (*req.TopP < 0 || *req.TopP > 1):
		return invalid("top_p: range: 0..1")
	case !req.Stream:
		// The service also answers without streaming; this fake streams only.
		return invalid("stream: this fake serves streaming requests only")
	}
	for _, s := range req.StopSequences {
		if strings.TrimSpace(s) == "" {
			return invalid("stop_sequences: each stop sequence must contain non-whitespace")
		}
	}
	for i, t := range req.Tools {
		if !toolName.MatchString(t.Name) {
			return invalid("tools.%d.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'", i)
		}
		if t.InputSchema == nil {
			return invalid("tools.%d.custom.input_schema: Field required", i)
		}
	}
	if e := validateChoice(req); e != nil {
		return e
	}
	return validateMessages(req.Messages)
}

// validateChoice checks tool_choice: a known type, and for "tool" the name
// of an offered tool.
func validateChoice(req *MessagesRequest) *apiError {
	if req.ToolChoice == nil {
		return nil
	}
	typ, name := req.ToolChoiceOf()
	switch typ {
	case "auto", "any", "none":
		return nil
	case "tool":
		if name == "" {
			return invalid("tool_choice.tool.name: Field required")
		}
		if req.Forced() == nil {
			return invalid("tool_choice: tool %q not found in tools", name)
		}
		return nil
	}
	return invalid("tool_choice: Input tag '%s' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'", typ)
}

// validateMessages checks roles, non-empty text, and that every tool_use is
// answered by a tool_result in the next message and only then.
func validateMessages(msgs []Message) *apiError {
	var uses map[string]bool // tool_use ids of the previous assistant turn
	for i, m := range msgs {
		switch m.Role {
		case "user", "assistant":
		case "system":
			return invalid(`messages: Unexpected role "system". The Messages API accepts a top-level ` + "`system`" + ` parameter, not "system" as an input message role.`)
		default:
			return invalid("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		blocks := m.Blocks()
		if len(blocks) == 0 {
			return invalid("messages.%d: all messages must have non-empty content except for the optional final assistant message", i)
		}
		answered := map[string]bool{}
		next := map[string]bool{}
		for j, b := range blocks {
			switch b.Type {
			case "text":
				if b.Text == nil || *b.Text == "" {
					return invalid("messages.%d.content.%d.text: text content blocks must be non-empty", i, j)
				}
			case "tool_use":
				if m.Role != "assistant" {
					return invalid("messages.%d.content.%d: tool_use blocks are only allowed in assistant messages", i, j)
				}
				next[b.ID] = true
			case "tool_result":
				if m.Role != "user" || !uses[b.ToolUseID] {
					return invalid("messages.%d.content.%d: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.", i, j, b.ToolUseID)
				}
				answered[b.ToolUseID] = true
			}
		}
		for id := range uses {
			if !answered[id] {
				return invalid("messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s. Each `tool_use` block must have a corresponding `tool_result` block in the next message.", i-1, id)
			}
		}
		uses = next
	}
	return nil
}
