package openaifake

import (
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/providers/fault"
)

// apiError is an OpenAI error response.
type apiError struct {
	status                     int
	Message, Type, Param, Code string
}

func (e *apiError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body())
}

func (e *apiError) body() []byte {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	b, _ := Marshal(map[string]any{"error": map[string]any{
		"message": e.Message, "type": e.Type, "param": null(e.Param), "code": null(e.Code)}})
	return b
}

func invalid(param, code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, Type: "invalid_request_error", Param: param, Code: code, Message: fmt.Sprintf(format, args...)}
}

// openAIFaultBody is the service's body for each status fault.
func openAIFaultBody(k fault.Kind) []byte {
	switch k {
	case fault.Unauthorized:
		return (&apiError{Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided: sk-fa*****ault. You can find your API key at https://platform.openai.com/account/api-keys."}).body()
	case fault.RateLimited:
		return (&apiError{Type: "requests", Code: "rate_limit_exceeded",
			Message: "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."}).body()
	case fault.Unavailable:
		return (&apiError{Type: "server_error", Message: "The engine is currently overloaded, please try again later"}).body()
	}
	return (&apiError{Type: "server_error", Message: "The server had an error while processing your request. Sorry about that!"}).body()
}

// azureError is an Azure OpenAI error response, {"error":{code,message}}.
func azureError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(azureBody(code, message))
}

func azureBody(code, message string) []byte {
	b, _ := Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	return b
}

const azureAccessDenied = "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."

func azureFaultBody(k fault.Kind) []byte {
	switch k {
	case fault.Unauthorized:
		return azureBody("401", azureAccessDenied)
	case fault.RateLimited:
		return azureBody("429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.")
	case fault.Unavailable:
		return azureBody("ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later.")
	}
	return azureBody("InternalServerError", "The server had an error while processing your request. Sorry about that!")
}
