package sse

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StatusError is a provider refusing or failing a request: an HTTP error
// status before the stream, or an error event inside it. Callers tell
// 401, 429 and 5xx apart with errors.As and Status.
type StatusError struct {
	Status     int    // HTTP status; for an error event, the provider's equivalent
	Type       string // the provider's error type or status, e.g. invalid_request_error, RESOURCE_EXHAUSTED
	Code       string // the provider's error code or reason, e.g. invalid_api_key, API_KEY_INVALID
	Message    string // the provider's message
	RetryAfter time.Duration
	InStream   bool // reported by an error event after the stream had started
}

func (e *StatusError) Error() string {
	var b strings.Builder
	if e.InStream {
		b.WriteString("stream error, status ")
	} else {
		b.WriteString("HTTP ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	for _, s := range [...]string{e.Type, e.Code} {
		if s != "" {
			b.WriteString(" " + s)
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// ParseError reads a provider's error body. It understands the shapes of
// OpenAI and its compatibles ({"error":{message,type,param,code}}, vLLM's
// flat {message,type,code}, Ollama's {"error":"…"}), Anthropic
// ({"type":"error","error":{type,message}}), Azure ({"error":{code,message}})
// and Google ({"error":{code,message,status,details[{reason}]}}, possibly in
// an array). A numeric code fills Status when status is 0. Anything else
// becomes the message, truncated.
func ParseError(status int, body []byte) *StatusError {
	e := &StatusError{Status: status}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var arr []json.RawMessage
		if json.Unmarshal(body, &arr) == nil && len(arr) > 0 {
			body = arr[0]
		}
	}
	var wire struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &wire) != nil {
		e.Message = excerpt(body)
		return e
	}
	e.Message, e.Type = wire.Message, wire.Type
	e.setCode(wire.Code)
	if len(wire.Error) > 0 && wire.Error[0] == '"' {
		_ = json.Unmarshal(wire.Error, &e.Message)
		return e
	}
	var inner struct {
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Status  string          `json:"status"`
		Code    json.RawMessage `json:"code"`
		Details []struct {
			Reason string `json:"reason"`
		} `json:"details"`
	}
	if len(wire.Error) > 0 && json.Unmarshal(wire.Error, &inner) == nil {
		e.Message, e.Type = inner.Message, inner.Type
		if e.Type == "" {
			e.Type = inner.Status
		}
		e.setCode(inner.Code)
		for _, d := range inner.Details {
			if d.Reason != "" && e.Code == "" {
				e.Code = d.Reason
			}
		}
	}
	if e.Message == "" && e.Type == "" && e.Code == "" {
		e.Message = excerpt(body)
	}
	return e
}

// setCode takes a string code as the code and a numeric one as the status.
func (e *StatusError) setCode(raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		e.Code = s
		return
	}
	var n int
	if json.Unmarshal(raw, &n) == nil && e.Status == 0 {
		e.Status = n
	}
}

// excerpt keeps an unparsed body readable in logs: an HTML error page from a
// proxy should not flood them.
func excerpt(b []byte) string {
	const max = 200
	if len(b) > max {
		b = b[:max]
	}
	return strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "")), " ")
}

// retryAfter reads Retry-After in seconds (HTTP dates are not used by these
// APIs).
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// statusError reads an error response; its body is bounded and its
// connection is released by the caller closing the body.
func statusError(resp *http.Response) *StatusError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := ParseError(resp.StatusCode, body)
	e.RetryAfter = retryAfter(resp.Header)
	return e
}
