package anthropicfake

import (
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// apiError is an error response: {"type":"error","error":{type,message},"request_id"}.
type apiError struct {
	status       int
	typ, message string
}

func (e *apiError) body() []byte {
	type detail struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	b, _ := openaifake.Marshal(struct {
		Type      string `json:"type"`
		Error     detail `json:"error"`
		RequestID string `json:"request_id"`
	}{"error", detail{e.typ, e.message}, "req_fake000000000000000001"})
	return b
}

func (e *apiError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake000000000000000001")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body())
}

func invalid(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error", message: fmt.Sprintf(format, args...)}
}

// faultBody is the service's body for each status fault; the service says
// overloaded with 529, which a 503 fault stands for.
func faultBody(k fault.Kind) []byte {
	switch k {
	case fault.Unauthorized:
		return (&apiError{typ: "authentication_error", message: "invalid x-api-key"}).body()
	case fault.RateLimited:
		return (&apiError{typ: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase."}).body()
	case fault.Unavailable:
		return (&apiError{typ: "overloaded_error", message: "Overloaded"}).body()
	}
	return (&apiError{typ: "api_error", message: "Internal server error"}).body()
}
