package sse

import (
	"strings"
	"testing"
)

func TestParseError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   StatusError
	}{
		{"openai", 401, `{"error":{"message":"Incorrect API key provided: sk-ab***cd.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			StatusError{Status: 401, Type: "invalid_request_error", Code: "invalid_api_key", Message: "Incorrect API key provided: sk-ab***cd."}},
		{"anthropic", 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}`,
			StatusError{Status: 529, Type: "overloaded_error", Message: "Overloaded"}},
		{"azure", 401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}`,
			StatusError{Status: 401, Code: "401", Message: "Access denied due to invalid subscription key."}},
		{"google", 400, `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}`,
			StatusError{Status: 400, Type: "INVALID_ARGUMENT", Code: "API_KEY_INVALID", Message: "API key not valid. Please pass a valid API key."}},
		{"google array", 429, `[{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}]`,
			StatusError{Status: 429, Type: "RESOURCE_EXHAUSTED", Message: "Resource has been exhausted"}},
		{"google in stream", 0, `{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}`,
			StatusError{Status: 503, Type: "UNAVAILABLE", Message: "The model is overloaded."}},
		{"vllm", 400, `{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}`,
			StatusError{Status: 400, Type: "BadRequestError", Message: "max_tokens is too large"}},
		{"ollama", 404, `{"error":"model \"llama9\" not found"}`,
			StatusError{Status: 404, Message: `model "llama9" not found`}},
		{"html", 502, "<html>\n<body>Bad   gateway</body></html>",
			StatusError{Status: 502, Message: "<html> <body>Bad gateway</body></html>"}},
		{"empty", 500, "", StatusError{Status: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseError(tc.status, []byte(tc.body)); *got != tc.want {
				t.Fatalf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
	long := ParseError(500, []byte(strings.Repeat("é", 300)))
	if len(long.Message) > 200 || !strings.HasPrefix(long.Message, "éé") {
		t.Fatalf("excerpt %q", long.Message)
	}
}

func TestStatusErrorText(t *testing.T) {
	e := &StatusError{Status: 429, Type: "requests", Code: "rate_limit_exceeded", Message: "slow down"}
	if got := e.Error(); got != "HTTP 429 requests rate_limit_exceeded: slow down" {
		t.Fatal(got)
	}
	e = &StatusError{Status: 529, Type: "overloaded_error", Message: "Overloaded", InStream: true}
	if got := e.Error(); got != "stream error, status 529 overloaded_error: Overloaded" {
		t.Fatal(got)
	}
}

func FuzzParseError(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"m","type":"t","param":null,"code":"c"}}`,
		`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		`[{"error":{"code":429,"message":"x","status":"RESOURCE_EXHAUSTED","details":[{"reason":"r"}]}}]`,
		`{"error":"plain"}`, `{"message":"flat","code":400}`, "<html>", "",
	} {
		f.Add(500, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := ParseError(status, body)
		if status != 0 && e.Status != status {
			t.Fatalf("status %d became %d", status, e.Status)
		}
		_ = e.Error()
	})
}
