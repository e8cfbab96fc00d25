package geminifake

import (
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// apiError is a Google API error: {"error":{code,message,status,details?}}.
type apiError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Status  string         `json:"status"`
	Details []errorDetails `json:"details,omitempty"`
}

type errorDetails struct {
	Type     string            `json:"@type"`
	Reason   string            `json:"reason,omitempty"`
	Domain   string            `json:"domain,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

func (e *apiError) body() []byte {
	b, _ := openaifake.Marshal(map[string]*apiError{"error": e})
	return b
}

func (e *apiError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(e.Code)
	_, _ = w.Write(e.body())
}

func invalid(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(format, args...)}
}

// keyInvalid is the service's answer to a wrong key: 400, not 401.
var keyInvalid = &apiError{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key.",
	Details: []errorDetails{{Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: "API_KEY_INVALID", Domain: "googleapis.com",
		Metadata: map[string]string{"service": "generativelanguage.googleapis.com"}}}}

func faultBody(k fault.Kind) []byte {
	e := &apiError{Code: k.Status()}
	switch k {
	case fault.Unauthorized:
		e.Status, e.Message = "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
	case fault.RateLimited:
		e.Status, e.Message = "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."
	case fault.Unavailable:
		e.Status, e.Message = "UNAVAILABLE", "The model is overloaded. Please try again later."
	default:
		e.Status, e.Message = "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
	}
	return e.body()
}
