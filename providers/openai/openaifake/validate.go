package openaifake

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

var toolName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// decode reads and validates a request the way the service does, with its
// error messages.
func decode(r *http.Request) (*ChatRequest, *apiError) {
	var req ChatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return nil, invalid("", "", "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)")
	}
	if e := validate(&req); e != nil {
		return nil, e
	}
	return &req, nil
}

func validate(req *ChatRequest) *apiError {
	switch {
	case req.Messages == nil:
		return invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.")
	case len(req.Messages) == 0:
		return invalid("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	case !req.Stream:
		// The service also answers without streaming; this fake streams only.
		return invalid("stream", "", "this fake serves streaming requests only: set 'stream' to true")
	case req.ToolChoice != nil && len(req.Tools) == 0:
		return invalid("tool_choice", "", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.")
	}
	if e := validateMessages(req.Messages); e != nil {
		return e
	}
	for i, t := range req.Tools {
		if !toolName.MatchString(t.Function.Name) {
			p := "tools[" + strconv.Itoa(i) + "].function.name"
			return invalid(p, "invalid_value", "Invalid '%s': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", p)
		}
	}
	if e := validateFormat(req); e != nil {
		return e
	}
	if e := rangeCheck("temperature", req.Temperature, 0, 2); e != nil {
		return e
	}
	if e := rangeCheck("top_p", req.TopP, 0, 1); e != nil {
		return e
	}
	if e := rangeCheck("frequency_penalty", req.FrequencyPenalty, -2, 2); e != nil {
		return e
	}
	if e := rangeCheck("presence_penalty", req.PresencePenalty, -2, 2); e != nil {
		return e
	}
	for _, m := range []struct {
		name string
		v    *int
	}{{"max_tokens", req.MaxTokens}, {"max_completion_tokens", req.MaxCompletionTokens}} {
		if m.v != nil && *m.v < 1 {
			return invalid(m.name, "integer_below_min_value", "Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", m.name, *m.v)
		}
	}
	if n := len(req.StopSequences()); n > 4 {
		return invalid("stop", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length %d instead.", n)
	}
	if reasoning(req.Model) {
		return validateReasoning(req)
	}
	return nil
}

// reasoning reports the models that take max_completion_tokens only and
// default sampling parameters only: o-series and GPT-5, bar the GPT-5 chat
// models.
func reasoning(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return !strings.Contains(model, "-chat")
		}
	}
	return false
}

func validateReasoning(req *ChatRequest) *apiError {
	if req.MaxTokens != nil {
		return invalid("max_tokens", "unsupported_parameter", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.")
	}
	for _, p := range []struct {
		name string
		v    *float64
		def  float64
	}{{"temperature", req.Temperature, 1}, {"top_p", req.TopP, 1}, {"presence_penalty", req.PresencePenalty, 0}, {"frequency_penalty", req.FrequencyPenalty, 0}} {
		if p.v != nil && *p.v != p.def {
			return invalid(p.name, "unsupported_value", "Unsupported value: '%s' does not support %s with this model. Only the default (%s) value is supported.",
				p.name, strconv.FormatFloat(*p.v, 'g', -1, 64), strconv.FormatFloat(p.def, 'g', -1, 64))
		}
	}
	if req.Stop != nil {
		return invalid("stop", "unsupported_parameter", "Unsupported parameter: 'stop' is not supported with this model.")
	}
	return nil
}

func rangeCheck(name string, v *float64, lo, hi float64) *apiError {
	switch {
	case v == nil:
		return nil
	case *v < lo:
		return invalid(name, "decimal_below_min_value", "Invalid '%s': decimal below minimum value. Expected a value >= %g, but got %g instead.", name, lo, *v)
	case *v > hi:
		return invalid(name, "decimal_above_max_value", "Invalid '%s': decimal above maximum value. Expected a value <= %g, but got %g instead.", name, hi, *v)
	}
	return nil
}

// validateMessages checks roles and that tool calls and tool results pair
// up as the service requires.
func validateMessages(msgs []ChatMessage) *apiError {
	var pending map[string]bool // calls of the last assistant message not yet answered
	var caller int
	unanswered := func() *apiError {
		var ids []string
		for _, c := range msgs[caller].ToolCalls {
			if pending[c.ID] {
				ids = append(ids, c.ID)
			}
		}
		return invalid("messages.["+strconv.Itoa(caller)+"].role", "",
			"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: %s", strings.Join(ids, ", "))
	}
	for i, m := range msgs {
		switch m.Role {
		case "system", "developer", "user", "assistant", "tool":
		default:
			p := "messages[" + strconv.Itoa(i) + "].role"
			return invalid(p, "invalid_value", "Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", m.Role)
		}
		if m.Role == "tool" {
			if !pending[m.ToolCallID] {
				return invalid("messages.["+strconv.Itoa(i)+"].role", "", "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.")
			}
			delete(pending, m.ToolCallID)
			continue
		}
		if len(pending) > 0 {
			return unanswered()
		}
		if m.Role == "assistant" && len(m.ToolCalls) > 0 {
			pending, caller = map[string]bool{}, i
			for _, c := range m.ToolCalls {
				pending[c.ID] = true
			}
		}
	}
	if len(pending) > 0 {
		return unanswered()
	}
	return nil
}
