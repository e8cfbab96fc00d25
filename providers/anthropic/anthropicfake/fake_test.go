package anthropicfake

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

var auth = map[string]string{"x-api-key": "key", "anthropic-version": "2023-06-01"}

type event struct {
	name string
	data map[string]any
}

func parse(t *testing.T, stream string) []event {
	t.Helper()
	var out []event
	for _, raw := range strings.Split(strings.TrimSuffix(stream, "\n\n"), "\n\n") {
		lines := strings.Split(raw, "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "event: ") || !strings.HasPrefix(lines[1], "data: ") {
			t.Fatalf("event %q", raw)
		}
		e := event{name: strings.TrimPrefix(lines[0], "event: ")}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(lines[1], "data: ")), &e.data); err != nil {
			t.Fatal(err)
		}
		if e.data["type"] != e.name {
			t.Fatalf("event %s has type %v", e.name, e.data["type"])
		}
		out = append(out, e)
	}
	return out
}

func TestStreamShape(t *testing.T) {
	s := start(t, openaifake.Config{APIKey: "key", Script: openaifake.Script{Rules: []openaifake.Rule{{Contains: "call",
		Reply: "Sure", ToolCalls: []openaifake.ToolCall{{Name: "f", Arguments: json.RawMessage(`{"a":1}`)}}}}}})
	code, body := faketest.Post(t, s.BaseURL+"/v1/messages", auth, `{"model":"claude-x","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"please call"}],"tools":[{"name":"f","input_schema":{"type":"object"}}]}`)
	if code != 200 {
		t.Fatal(code, body)
	}
	evs := parse(t, body)
	var names []string
	for _, e := range evs {
		names = append(names, e.name)
	}
	want := "message_start content_block_start ping content_block_delta content_block_stop content_block_start content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(names, " ") != want {
		t.Fatalf("order %v", names)
	}
	msg := evs[0].data["message"].(map[string]any)
	if !strings.HasPrefix(msg["id"].(string), "msg_") || msg["model"] != "claude-x" || msg["role"] != "assistant" || msg["stop_reason"] != nil || msg["usage"].(map[string]any)["input_tokens"].(float64) == 0 {
		t.Fatalf("message_start %v", evs[0].data)
	}
	tool := evs[5].data["content_block"].(map[string]any)
	if evs[5].data["index"].(float64) != 1 || tool["type"] != "tool_use" || tool["name"] != "f" || !strings.HasPrefix(tool["id"].(string), "toolu_") {
		t.Fatalf("tool_use start %v", evs[5].data)
	}
	if d := evs[6].data["delta"].(map[string]any); d["type"] != "input_json_delta" || d["partial_json"] != "" {
		t.Fatalf("first input delta %v", d)
	}
	md := evs[10].data
	if md["delta"].(map[string]any)["stop_reason"] != "tool_use" || md["usage"].(map[string]any)["output_tokens"].(float64) != 4 {
		t.Fatalf("message_delta %v", md)
	}
	// A stop sequence is reported as such.
	_, body = faketest.Post(t, s.BaseURL+"/v1/messages", auth, `{"model":"m","max_tokens":100,"stream":true,"stop_sequences":["said"],"messages":[{"role":"user","content":"x"}]}`)
	evs = parse(t, body)
	if d := evs[len(evs)-2].data["delta"].(map[string]any); d["stop_reason"] != "stop_sequence" || d["stop_sequence"] != "said" {
		t.Fatalf("stop %v", d)
	}
}

func TestValidation(t *testing.T) {
	s := start(t, openaifake.Config{APIKey: "key"})
	url := s.BaseURL + "/v1/messages"
	user := `"messages":[{"role":"user","content":"hi"}]`
	for _, tc := range []struct {
		name   string
		header map[string]string
		body   string
		status int
		want   string
	}{
		{"no key", map[string]string{"anthropic-version": "2023-06-01"}, `{}`, 401, `{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"},"request_id":`},
		{"wrong key", map[string]string{"x-api-key": "nope", "anthropic-version": "2023-06-01"}, `{}`, 401, `"message":"invalid x-api-key"`},
		{"no version", map[string]string{"x-api-key": "key"}, `{}`, 400, `anthropic-version: header is required`},
		{"bad json", auth, `{`, 400, `not valid JSON`},
		{"no model", auth, `{"max_tokens":5,"stream":true,` + user + `}`, 400, `model: Field required`},
		{"no max_tokens", auth, `{"model":"m","stream":true,` + user + `}`, 400, `max_tokens: Field required`},
		{"no messages", auth, `{"model":"m","max_tokens":5,"stream":true}`, 400, `messages: Field required`},
		{"system role", auth, `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"system","content":"x"}]}`, 400, `Unexpected role \"system\"`},
		{"empty text", auth, `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}`, 400, `text content blocks must be non-empty`},
		{"temperature", auth, `{"model":"m","max_tokens":5,"stream":true,"temperature":1.5,` + user + `}`, 400, `temperature: range: 0..1`},
		{"blank stop", auth, `{"model":"m","max_tokens":5,"stream":true,"stop_sequences":[" "],` + user + `}`, 400, `stop sequence`},
		{"no schema", auth, `{"model":"m","max_tokens":5,"stream":true,"tools":[{"name":"f"}],` + user + `}`, 400, `input_schema: Field required`},
		{"unanswered tool_use", auth, `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":"y"}]}`, 400, "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1"},
		{"orphan tool_result", auth, `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"x"}]}]}`, 400, "unexpected `tool_use_id` found in `tool_result` blocks: toolu_9"},
		{"not streaming", auth, `{"model":"m","max_tokens":5,` + user + `}`, 400, `streaming requests only`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := faketest.Post(t, url, tc.header, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
	if code, body := faketest.Post(t, s.BaseURL+"/v1/complete", auth, `{}`); code != 404 || !strings.Contains(body, "not_found_error") {
		t.Fatalf("unknown path: %d %s", code, body)
	}
}

func TestFaultBodies(t *testing.T) {
	s := start(t, openaifake.Config{})
	for k, want := range map[fault.Kind]string{fault.Unauthorized: "authentication_error", fault.RateLimited: "rate_limit_error", fault.ServerError: "api_error", fault.Unavailable: "overloaded_error"} {
		s.Faults().Next(fault.Fault{Kind: k}, 1)
		if code, body := faketest.Post(t, s.BaseURL+"/v1/messages", auth, `{}`); code != k.Status() || !strings.Contains(body, `"type":"`+want+`"`) {
			t.Errorf("%v: %d %s", k, code, body)
		}
	}
}
