package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"time"
)

// VoiceDock's synchronous webhooks: the engine waits for the answer (the
// call depends on it), so they bypass the outbox: one signed attempt,
// bounded by the caller's context, never retried.

// answerLimit bounds a synchronous webhook's answer: an assistant's
// overrides fit well within it.
const answerLimit = 256 << 10

// RequestCall is the call a synchronous webhook is about.
type RequestCall struct {
	OrganizationID int64
	ID             string // the carrier's call id
	Type           string // inbound_phone_call, outbound_phone_call or web_call
	From, To       string // the customer's and the assistant's numbers
	AssistantUUID  string
	AssistantName  string
	// Secret signs the request: the assistant's webhook secret, or ""
	// for the organization's.
	Secret string
}

// AssistantAnswer is the answer to an assistant-request: the assistant's
// overrides for this call (a VoiceDock PATCH body), or a rejection to say
// to the caller before hanging up; neither: the assistant as configured.
type AssistantAnswer struct {
	Assistant json.RawMessage // a JSON object
	Reject    string
}

// AssistantRequest asks url, as VoiceDock does when a call arrives, how
// to run the call (compat.md §3: `{assistant: {...}}`, `{}` or
// `{error: "spoken rejection"}`).
func (d *Dispatcher) AssistantRequest(ctx context.Context, url string, c RequestCall) (AssistantAnswer, error) {
	body, err := d.ask(ctx, url, "assistant-request", "ringing", c, func(base vdBase) any { return base })
	if err != nil {
		return AssistantAnswer{}, err
	}
	return ParseAssistantAnswer(body)
}

// ParseAssistantAnswer decodes an assistant-request's answer; an empty
// body is `{}`.
func ParseAssistantAnswer(body []byte) (AssistantAnswer, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return AssistantAnswer{}, nil
	}
	var raw struct {
		Assistant json.RawMessage `json:"assistant"`
		Error     json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return AssistantAnswer{}, fmt.Errorf("answer is not a JSON object: %w", err)
	}
	var a AssistantAnswer
	if len(raw.Error) > 0 && string(raw.Error) != "null" {
		if err := json.Unmarshal(raw.Error, &a.Reject); err != nil || a.Reject == "" {
			return AssistantAnswer{}, errors.New("answer's error must be a non-empty string")
		}
		return a, nil
	}
	if len(raw.Assistant) > 0 && string(raw.Assistant) != "null" {
		if bytes.TrimSpace(raw.Assistant)[0] != '{' {
			return AssistantAnswer{}, errors.New("answer's assistant must be an object")
		}
		a.Assistant = raw.Assistant
	}
	return a, nil
}

type vdToolCalls struct {
	vdBase
	ToolCallList []vdToolCall `json:"tool_call_list"`
}

type vdToolCall struct {
	ID       string     `json:"id"`
	Type     string     `json:"type"` // function
	Function vdFunction `json:"function"`
}

type vdFunction struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"` // a JSON object
}

// ToolCall asks url to run one of the model's tool calls, as VoiceDock's
// tool-calls, and returns the result for the model.
func (d *Dispatcher) ToolCall(ctx context.Context, url string, c RequestCall, id, name string, arguments json.RawMessage) (string, error) {
	body, err := d.ask(ctx, url, "tool-calls", "in-progress", c, func(base vdBase) any {
		return vdToolCalls{vdBase: base, ToolCallList: []vdToolCall{{ID: id, Type: "function",
			Function: vdFunction{Name: name, Arguments: arguments}}}}
	})
	if err != nil {
		return "", err
	}
	return ParseToolResult(body, id)
}

// ParseToolResult reads the result of tool call id from a tool-calls
// answer (compat.md §3): {results: [{tool_call_id, result | error}]},
// {result}, {error}, or any other body as the result itself. A result
// that is a JSON string is given as its text, any other as JSON; an empty
// answer is {"status":"ok"}.
func ParseToolResult(body []byte, id string) (string, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return `{"status":"ok"}`, nil
	}
	var answer struct {
		Results *[]struct {
			ToolCallID string          `json:"tool_call_id"`
			Result     json.RawMessage `json:"result"`
			Error      json.RawMessage `json:"error"`
		} `json:"results"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if body[0] != '{' || json.Unmarshal(body, &answer) != nil {
		return string(body), nil
	}
	result, failure := answer.Result, answer.Error
	if answer.Results != nil {
		found := false
		for _, r := range *answer.Results {
			if r.ToolCallID == id {
				result, failure, found = r.Result, r.Error, true
				break
			}
		}
		if !found {
			return "", fmt.Errorf("the answer has no result for tool call %s", id)
		}
	}
	switch {
	case present(failure):
		return "", errors.New(text(failure))
	case present(result):
		return text(result), nil
	case answer.Results != nil:
		return "", fmt.Errorf("the answer's result for tool call %s is empty", id)
	}
	return string(body), nil
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// text is a JSON string's text, or other JSON as it is.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// ask posts a VoiceDock message (built on the base message) of a type
// about a call in a status, signed, and returns the body of its 2xx
// answer.
func (d *Dispatcher) ask(ctx context.Context, url, typ, status string, c RequestCall, message func(vdBase) any) ([]byte, error) {
	secret := c.Secret
	if secret == "" {
		var err error
		if secret, err = d.opt.Secrets.WebhookSecret(ctx, c.OrganizationID); err != nil {
			return nil, fmt.Errorf("no signing secret, not sent: %w", err)
		}
		if secret == "" {
			return nil, errors.New("no signing secret, not sent: empty secret")
		}
	}
	now := d.opt.Clock.Now()
	base := vdBase{Type: typ, Timestamp: now.UTC().Format(time.RFC3339Nano),
		Call:        vdCall{ID: c.ID, Type: c.Type, Status: status},
		PhoneNumber: vdNumber{c.To}, Customer: vdNumber{c.From}}
	if c.AssistantUUID != "" {
		base.Assistant = &vdAssistant{ID: c.AssistantUUID, Name: c.AssistantName}
	}
	payload, err := json.Marshal(envelope{Message: message(base)})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	sign(req.Header, FormatVoiceDock, typ, secret, now, payload)
	resp, err := d.opt.Client.Do(req)
	if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
		err = ue.Err // the URL may carry a key in its query: keep it out of logs and prompts
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, answerLimit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("answer cut off: %w", err)
	case len(body) > answerLimit:
		return nil, fmt.Errorf("answer larger than %d bytes", answerLimit)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return body, nil
}
