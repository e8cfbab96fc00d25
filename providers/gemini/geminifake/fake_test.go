package geminifake

import (
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, cfg openaifake.Config) *Server {
	t.Helper()
	return faketest.Start(t, Start, cfg)
}

var key = map[string]string{"x-goog-api-key": "key"}

func TestStreamShape(t *testing.T) {
	s := start(t, openaifake.Config{APIKey: "key", Script: openaifake.Script{Rules: []openaifake.Rule{{Contains: "call",
		Reply: "Ok", ToolCalls: []openaifake.ToolCall{{Name: "f", Arguments: json.RawMessage(`{"a":1}`)}, {Name: "g"}}}}}})
	url := s.BaseURL + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
	code, body := faketest.Post(t, url, key, `{"contents":[{"role":"user","parts":[{"text":"please call"}]}]}`)
	if code != 200 {
		t.Fatal(code, body)
	}
	if !strings.HasSuffix(body, "}\r\n\r\n") || strings.Contains(body, "[DONE]") {
		t.Fatalf("framing %q", body)
	}
	events := strings.Split(strings.TrimSuffix(body, "\r\n\r\n"), "\r\n\r\n")
	if len(events) != 2 {
		t.Fatalf("%d chunks: %q", len(events), body)
	}
	if want := `data: {"candidates":[{"content":{"parts":[{"text":"Ok"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":`; !strings.HasPrefix(events[0], want) {
		t.Fatalf("text chunk %s", events[0])
	}
	var last struct {
		Candidates []struct {
			Content struct {
				Parts []Part `json:"parts"`
			} `json:"content"`
			FinishReason string `json:"finishReason"`
		} `json:"candidates"`
		UsageMetadata map[string]any `json:"usageMetadata"`
		ModelVersion  string         `json:"modelVersion"`
		ResponseID    string         `json:"responseId"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(events[1], "data: ")), &last); err != nil {
		t.Fatal(err)
	}
	parts := last.Candidates[0].Content.Parts
	if len(parts) != 2 || parts[0].FunctionCall.Name != "f" || string(parts[0].FunctionCall.Args) != `{"a":1}` || parts[0].FunctionCall.ID != "" ||
		parts[0].ThoughtSignature == "" || parts[1].ThoughtSignature != "" || string(parts[1].FunctionCall.Args) != "{}" {
		t.Fatalf("calls %s", events[1])
	}
	if last.Candidates[0].FinishReason != "STOP" || last.UsageMetadata["candidatesTokenCount"].(float64) != 3 || last.ModelVersion != "gemini-2.5-flash" || last.ResponseID == "" {
		t.Fatalf("last chunk %s", events[1])
	}
	// ?key= works too, and snake_case field names are the proto's: accepted.
	code, body = faketest.Post(t, s.BaseURL+"/v1beta/models/m:streamGenerateContent?alt=sse&key=key", nil, `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"system_instruction":{"parts":[{"text":"s"}]},"generation_config":{"max_output_tokens":50}}`)
	if code != 200 || !strings.Contains(body, `"finishReason":"STOP"`) {
		t.Fatalf("%d %s", code, body)
	}
}

func TestValidation(t *testing.T) {
	s := start(t, openaifake.Config{APIKey: "key"})
	url := s.BaseURL + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
	user := `"contents":[{"role":"user","parts":[{"text":"hi"}]}]`
	for _, tc := range []struct {
		name, url string
		header    map[string]string
		body      string
		status    int
		want      string
	}{
		{"no key", url, nil, `{}`, 403, `"status":"PERMISSION_DENIED"`},
		{"wrong key", url, map[string]string{"x-goog-api-key": "nope"}, `{}`, 400, `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"`},
		{"no alt=sse", strings.TrimSuffix(url, "?alt=sse"), key, `{` + user + `}`, 400, `alt=sse only`},
		{"bad json", url, key, `{"contents":`, 400, `Invalid JSON payload received.`},
		{"unknown field", url, key, `{"contentz":[],` + user + `}`, 400, `Unknown name \"contentz\": Cannot find field.`},
		{"schema keyword", url, key, `{` + user + `,"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string","additionalProperties":false}}}}]}]}`, 400,
			`Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters.properties[a]': Cannot find field.`},
		{"no contents", url, key, `{}`, 400, `contents is not specified`},
		{"bad role", url, key, `{"contents":[{"role":"assistant","parts":[{"text":"x"}]}]}`, 400, `Please use a valid role: user, model.`},
		{"empty part", url, key, `{"contents":[{"role":"user","parts":[{}]}]}`, 400, `required oneof field 'data'`},
		{"temperature", url, key, `{` + user + `,"generationConfig":{"temperature":3}}`, 400, `must be in the range [0, 2]`},
		{"unanswered call", url, key, `{"contents":[{"role":"user","parts":[{"text":"x"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},{"role":"user","parts":[{"text":"y"}]}]}`, 400, `number of function response parts is equal to the number of function call parts`},
		{"gemini 3 signature", s.BaseURL + "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse", key, `{"contents":[{"role":"user","parts":[{"text":"x"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]}`, 400, "missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:f` , position 1."},
		{"unknown method", s.BaseURL + "/v1beta/models/m:embedContent", key, `{}`, 404, `"status":"NOT_FOUND"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := faketest.Post(t, tc.url, tc.header, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
}

func TestFaultBodies(t *testing.T) {
	s := start(t, openaifake.Config{})
	url := s.BaseURL + "/v1beta/models/m:streamGenerateContent?alt=sse"
	for k, want := range map[fault.Kind]string{fault.Unauthorized: "UNAUTHENTICATED", fault.RateLimited: "RESOURCE_EXHAUSTED", fault.ServerError: "INTERNAL", fault.Unavailable: "UNAVAILABLE"} {
		s.Faults().Next(fault.Fault{Kind: k}, 1)
		if code, body := faketest.Post(t, url, nil, `{}`); code != k.Status() || !strings.Contains(body, `"status":"`+want+`"`) {
			t.Errorf("%v: %d %s", k, code, body)
		}
	}
}
