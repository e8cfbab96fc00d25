package openaifake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/loopback"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	return faketest.Start(t, Start, opts)
}

var bearer = map[string]string{"Authorization": "Bearer sk-key-12345678"}

// chunks splits a stream into its data payloads, checking the framing.
func chunks(t *testing.T, stream, eol string) []string {
	t.Helper()
	if !strings.HasSuffix(stream, eol+eol) {
		t.Fatalf("stream does not end with a blank line: %q", stream)
	}
	var out []string
	for _, ev := range strings.Split(strings.TrimSuffix(stream, eol+eol), eol+eol) {
		d, ok := strings.CutPrefix(ev, "data: ")
		if !ok {
			t.Fatalf("event %q", ev)
		}
		out = append(out, d)
	}
	return out
}

func TestStreamShape(t *testing.T) {
	s := start(t, Options{Config: Config{APIKey: "sk-key-12345678", Script: Script{Rules: []Rule{{Contains: "call",
		Reply: "Hi", ToolCalls: []ToolCall{{Name: "f", Arguments: json.RawMessage(`{"a":"bcdefgh"}`)}}}}}}})
	code, body := faketest.Post(t, s.BaseURL+"/chat/completions", bearer,
		`{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"please call"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}`)
	if code != 200 {
		t.Fatal(code, body)
	}
	cs := chunks(t, body, "\n")
	if cs[len(cs)-1] != "[DONE]" {
		t.Fatalf("last %q", cs[len(cs)-1])
	}
	var parsed []map[string]any
	for _, c := range cs[:len(cs)-1] {
		var m map[string]any
		if err := json.Unmarshal([]byte(c), &m); err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, m)
	}
	id := parsed[0]["id"].(string)
	for _, m := range parsed {
		if m["id"] != id || m["object"] != "chat.completion.chunk" || m["model"] != "gpt-4o-mini" || m["created"] == nil {
			t.Fatalf("chunk %v", m)
		}
		if _, ok := m["usage"]; !ok {
			t.Fatalf("usage missing with include_usage: %v", m)
		}
	}
	if !strings.HasPrefix(id, "chatcmpl-") || !strings.Contains(cs[0], `"delta":{"role":"assistant","content":"","refusal":null}`) || !strings.Contains(cs[0], `"finish_reason":null`) {
		t.Fatalf("first chunk %s", cs[0])
	}
	if !strings.Contains(cs[1], `"delta":{"content":"Hi"}`) {
		t.Fatalf("content chunk %s", cs[1])
	}
	if !strings.Contains(cs[2], `"tool_calls":[{"index":0,"id":"call_`) || !strings.Contains(cs[2], `"type":"function","function":{"name":"f","arguments":""}`) {
		t.Fatalf("tool head %s", cs[2])
	}
	if !strings.Contains(cs[3], `"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]`) {
		t.Fatalf("tool fragment %s", cs[3])
	}
	fin := cs[len(cs)-3]
	if !strings.Contains(fin, `"delta":{},"logprobs":null,"finish_reason":"tool_calls"`) || !strings.Contains(fin, `"usage":null`) {
		t.Fatalf("finish chunk %s", fin)
	}
	u := parsed[len(parsed)-1]
	if len(u["choices"].([]any)) != 0 || u["usage"].(map[string]any)["completion_tokens"].(float64) != float64(1+1+len(Tokens(`{"a":"bcdefgh"}`))) {
		t.Fatalf("usage chunk %s", cs[len(cs)-2])
	}
	// Without include_usage: no usage field, no usage chunk.
	_, body = faketest.Post(t, s.BaseURL+"/chat/completions", bearer, `{"model":"m","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"yo"}]}]}`)
	if strings.Contains(body, "usage") || !strings.Contains(body, `"content":" yo"`) {
		t.Fatalf("stream %s", body)
	}
	// The same request gets the same ids.
	_, again := faketest.Post(t, s.BaseURL+"/chat/completions", bearer, `{"model":"m","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"yo"}]}]}`)
	created := regexp.MustCompile(`"created":[0-9]+`)
	if created.ReplaceAllString(again, "") != created.ReplaceAllString(body, "") {
		t.Fatal("not deterministic")
	}
}

func TestAzureShape(t *testing.T) {
	s := start(t, Options{Config: Config{APIKey: "k"}})
	url := s.AzureURL + "/openai/deployments/dep/chat/completions?api-version=2024-10-21"
	code, body := faketest.Post(t, url, map[string]string{"api-key": "k"}, `{"stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if code != 200 {
		t.Fatal(code, body)
	}
	cs := chunks(t, body, "\n")
	if !strings.HasPrefix(cs[0], `{"id":"","object":"","created":0,"model":"","system_fingerprint":"","choices":[],"prompt_filter_results":[`) {
		t.Fatalf("first chunk %s", cs[0])
	}
	if !strings.Contains(cs[1], `"model":"dep"`) || !strings.Contains(cs[2], `"content_filter_results":{`) {
		t.Fatalf("chunks %q", cs[:3])
	}
}

func TestValidation(t *testing.T) {
	s := start(t, Options{Config: Config{APIKey: "sk-key-12345678"}, Deployments: []string{"dep"}})
	chat := s.BaseURL + "/chat/completions"
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	for _, tc := range []struct {
		name, url string
		header    map[string]string
		body      string
		status    int
		want      string
	}{
		{"no key", chat, nil, `{}`, 401, `"message":"You didn't provide an API key.`},
		{"wrong key", chat, map[string]string{"Authorization": "Bearer sk-other-999999"}, `{}`, 401, `"message":"Incorrect API key provided: sk-*****9999.`},
		{"bad json", chat, bearer, `{"model":`, 400, `We could not parse the JSON body of your request.`},
		{"no model", chat, bearer, `{"stream":true,` + msgs + `}`, 400, `{"error":{"code":null,"message":"you must provide a model parameter","param":null,"type":"invalid_request_error"}}`},
		{"no messages", chat, bearer, `{"model":"m","stream":true}`, 400, `"code":"missing_required_parameter","message":"Missing required parameter: 'messages'.","param":"messages"`},
		{"empty messages", chat, bearer, `{"model":"m","stream":true,"messages":[]}`, 400, `"code":"empty_array"`},
		{"bad role", chat, bearer, `{"model":"m","stream":true,"messages":[{"role":"robot","content":"x"}]}`, 400, `Invalid value: 'robot'.`},
		{"unanswered call", chat, bearer, `{"model":"m","stream":true,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"user","content":"y"}]}`, 400, `did not have response messages: c1`},
		{"orphan result", chat, bearer, `{"model":"m","stream":true,"messages":[{"role":"tool","tool_call_id":"c9","content":"x"}]}`, 400, `must be a response to a preceeding message with 'tool_calls'`},
		{"tool choice without tools", chat, bearer, `{"model":"m","stream":true,"tool_choice":"auto",` + msgs + `}`, 400, `'tool_choice' is only allowed when 'tools' are specified.`},
		{"bad tool name", chat, bearer, `{"model":"m","stream":true,"tools":[{"type":"function","function":{"name":"a b"}}],` + msgs + `}`, 400, `Invalid 'tools[0].function.name': string does not match pattern.`},
		{"temperature", chat, bearer, `{"model":"m","stream":true,"temperature":2.5,` + msgs + `}`, 400, `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.`},
		{"max tokens", chat, bearer, `{"model":"m","stream":true,"max_tokens":0,` + msgs + `}`, 400, `integer_below_min_value`},
		{"stop", chat, bearer, `{"model":"m","stream":true,"stop":["a","b","c","d","e"],` + msgs + `}`, 400, `array too long`},
		{"reasoning max_tokens", chat, bearer, `{"model":"o3-mini","stream":true,"max_tokens":5,` + msgs + `}`, 400, `Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.`},
		{"reasoning temperature", chat, bearer, `{"model":"gpt-5","stream":true,"temperature":0.5,` + msgs + `}`, 400, `Unsupported value: 'temperature' does not support 0.5 with this model. Only the default (1) value is supported.`},
		{"not streaming", chat, bearer, `{"model":"m",` + msgs + `}`, 400, `streaming requests only`},
		{"format type", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"xml"},` + msgs + `}`, 400, `Invalid value: 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'.`},
		{"json_object without json", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_object"},` + msgs + `}`, 400, `'messages' must contain the word 'json' in some form`},
		{"json_schema missing", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_schema"},` + msgs + `}`, 400, `Missing required parameter: 'response_format.json_schema'.`},
		{"json_schema name", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_schema","json_schema":{"name":"a b","schema":{}}},` + msgs + `}`, 400, `Invalid 'response_format.json_schema.name'`},
		{"json_schema not an object", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":[1]}},` + msgs + `}`, 400, `expected an object, but got an array instead.`},
		{"strict open object", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}},` + msgs + `}`, 400, `Invalid schema for response_format 'x': In context=(), 'additionalProperties' is required to be supplied and to be false.`},
		{"strict optional property", chat, bearer, `{"model":"m","stream":true,"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object","additionalProperties":false,"properties":{"a":{"type":"object","additionalProperties":false,"properties":{"b":{"type":"string"}}}},"required":["a"]}}},` + msgs + `}`, 400, `In context=('properties', 'a'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.`},
		{"unknown path", s.BaseURL + "/completion", bearer, `{}`, 404, `Invalid URL (POST /v1/completion)`},
		{"azure no version", s.AzureURL + "/openai/deployments/dep/chat/completions", map[string]string{"api-key": "sk-key-12345678"}, `{}`, 404, `{"error":{"code":"404","message":"Resource not found"}}`},
		{"azure bad key", s.AzureURL + "/openai/deployments/dep/chat/completions?api-version=x", map[string]string{"api-key": "no"}, `{}`, 401, `"code":"401","message":"Access denied`},
		{"azure bearer is not a key", s.AzureURL + "/openai/deployments/dep/chat/completions?api-version=x", bearer, `{}`, 401, `Access denied`},
		{"azure deployment", s.AzureURL + "/openai/deployments/other/chat/completions?api-version=x", map[string]string{"api-key": "sk-key-12345678"}, `{}`, 404, `"code":"DeploymentNotFound"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := faketest.Post(t, tc.url, tc.header, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
	req, _ := http.NewRequest(http.MethodGet, chat, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}

func TestFaultBodies(t *testing.T) {
	s := start(t, Options{})
	for _, tc := range []struct {
		k     fault.Kind
		azure bool
		want  string
	}{
		{fault.Unauthorized, false, `"code":"invalid_api_key"`},
		{fault.RateLimited, false, `"code":"rate_limit_exceeded"`},
		{fault.ServerError, false, `"type":"server_error"`},
		{fault.Unavailable, false, `overloaded`},
		{fault.Unauthorized, true, `{"error":{"code":"401",`},
		{fault.RateLimited, true, `{"error":{"code":"429",`},
	} {
		s.Faults().Next(fault.Fault{Kind: tc.k}, 1)
		url := s.BaseURL + "/chat/completions"
		if tc.azure {
			url = s.AzureURL + "/openai/deployments/d/chat/completions?api-version=v"
		}
		code, body := faketest.Post(t, url, nil, `{}`)
		if code != tc.k.Status() || !strings.Contains(body, tc.want) {
			t.Errorf("%v azure=%v: %d %s", tc.k, tc.azure, code, body)
		}
	}
}

// A fake mounted under a prefix, with or without the prefix stripped,
// serves the same paths.
func TestMountedUnderPrefix(t *testing.T) {
	f, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mux := http.NewServeMux()
	mux.Handle("/openai/", f)
	mux.Handle("/stripped/", http.StripPrefix("/stripped", f))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, url := range []string{srv.URL + "/openai/v1/chat/completions", srv.URL + "/stripped/v1/chat/completions", srv.URL + "/openai/openai/deployments/d/chat/completions?api-version=v"} {
		code, body := faketest.Post(t, url, nil, `{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`)
		if code != 200 || !strings.HasSuffix(body, "data: [DONE]\n\n") {
			t.Errorf("%s: %d %s", url, code, body)
		}
	}
}

// Latencies are honoured on the fake's clock: nothing before the first
// token is due, then one token per interval.
func TestPacing(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(1_700_000_000, 0))
	s := start(t, Options{Config: Config{Clock: vc, Latency: Latency{FirstToken: 300 * time.Millisecond, TokensPerSecond: 10}, Script: Script{Default: "abcdefgh"}}})
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL+"/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		b := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(b)
			if n > 0 {
				lines <- string(b[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	waitTimer := func() {
		testkit.Eventually(t, 5*time.Second, func() error {
			if vc.Pending() == 0 {
				return io.ErrNoProgress
			}
			return nil
		})
	}
	waitTimer()
	vc.Advance(299 * time.Millisecond)
	select {
	case l := <-lines:
		t.Fatalf("sent before the first token was due: %q", l)
	default:
	}
	vc.Advance(time.Millisecond)
	var got bytes.Buffer
	for !strings.Contains(got.String(), `"content":"abcd"`) {
		got.WriteString(<-lines)
	}
	waitTimer()
	vc.Advance(99 * time.Millisecond)
	select {
	case l := <-lines:
		t.Fatalf("second token early: %q", l)
	default:
	}
	vc.Advance(time.Millisecond)
	for l := range lines {
		got.WriteString(l)
	}
	if !strings.Contains(got.String(), `"role":"assistant"`) || !strings.Contains(got.String(), `"content":"efgh"`) || !strings.HasSuffix(got.String(), "[DONE]\n\n") {
		t.Fatalf("rest %q", got.String())
	}
}

func TestCloseEndsStalledStreams(t *testing.T) {
	f, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := loopback.Listen(f)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	f.Faults().Always(fault.Fault{Kind: fault.Stall})
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if f.Active() != 1 {
		t.Fatalf("active %d", f.Active())
	}
	f.Close() // returns once the stalled handler has
	if f.Active() != 0 {
		t.Fatal("still active")
	}
	if b, _ := io.ReadAll(resp.Body); len(b) != 0 {
		t.Fatalf("stalled stream sent %q", b)
	}
	code, _ := faketest.Post(t, url+"/v1/chat/completions", nil, `{}`)
	if code != 503 {
		t.Fatalf("after close: %d", code)
	}
}
