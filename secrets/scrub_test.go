package secrets

import (
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	configured := "my-custom-key-1"
	for _, c := range []struct{ in, gone, kept string }{
		{`401 Unauthorized: {"error":{"message":"Incorrect API key provided: sk-proj-AbCdEf1234567890XyZ. You can find your API key at https://platform.openai.com"}}`,
			"sk-proj-AbCdEf1234567890XyZ", "Incorrect API key provided"},
		{"GET wss://api.deepgram.com/v1/listen failed: Authorization: Token 0123456789abcdef0123456789abcdef01234567", "0123456789abcdef", "wss://api.deepgram.com/v1/listen"},
		{`request to https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrstu failed`, "AIzaSyA1234567890", "generativelanguage.googleapis.com"},
		{`{"detail":{"status":"invalid_api_key","message":"xi-api-key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0"}}`, "9f8e7d6c5b4a3928", "invalid_api_key"},
		{`upstream said "api_key=my-custom-key-1" is wrong`, configured, "is wrong"},
		{`echo: my-custom-key-1`, configured, "echo"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbGciOiJIUzI1NiJ9", "Bearer"},
		{`{"password": "hunter2hunter2"}`, "hunter2", "password"},
	} {
		got := Scrub(c.in, configured)
		if strings.Contains(got, c.gone) || !strings.Contains(got, c.kept) || !strings.Contains(got, Redacted) {
			t.Errorf("Scrub(%q) = %q", c.in, got)
		}
	}
	// ordinary errors are untouched
	for _, s := range []string{"context deadline exceeded", "dial tcp 10.0.0.1:443: connect: connection refused",
		"429 Too Many Requests: rate limit reached for gpt-4o-mini in organization org-abc on tokens per min", "EOF"} {
		if got := Scrub(s); got != s {
			t.Errorf("Scrub(%q) = %q", s, got)
		}
	}
}
