package openai

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

func decodeStream(t testing.TB, stream string) (*openaifake.Events, error) {
	rec := &openaifake.Events{}
	d := decoder{provider: "openai", model: "m", start: time.Now()}
	err := d.consume(sse.NewReader(strings.NewReader(stream), 0), rec.Emit)
	if e := rec.Err(); e != nil {
		t.Error(e)
	}
	return rec, err
}

func data(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("data: " + l + "\n\n")
	}
	return b.String()
}

func TestDecodeParallelFragments(t *testing.T) {
	// Fragments of two calls interleaved, a usage chunk with "choices": null
	// (vLLM), keep-alive comments.
	rec, err := decodeStream(t, ": keep-alive\n\n"+data(
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":"{\"x\""}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":2}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"choices":null,"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}`,
		`[DONE]`))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0] != (voice.ToolCall{ID: "call_a", Name: "f", Arguments: `{"a":1}`}) || calls[1] != (voice.ToolCall{ID: "call_b", Name: "g", Arguments: `{"x":2}`}) {
		t.Fatalf("calls %+v", calls)
	}
	if u := rec.Usage(); u == nil || *u != (voice.LLMUsage{PromptTokens: 12, CompletionTokens: 7}) {
		t.Fatalf("usage %+v", u)
	}
	if d := rec.Done(); d.Reason != "tool_calls" {
		t.Fatalf("done %+v", d)
	}
}

func TestDecodeEdges(t *testing.T) {
	text := func(s string) string {
		return fmt.Sprintf(`{"choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]}`, s)
	}
	finish := `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`
	for _, tc := range []struct {
		name, stream string
		text, reason string
		err          error
		status       int
	}{
		{"no [DONE] after finish", data(text("hi"), finish), "hi", "stop", nil, 0},
		{"[DONE] without finish", data(text("hi"), "[DONE]"), "hi", "stop", nil, 0},
		{"truncated", data(text("hi")), "hi", "", ErrTruncated, 0},
		{"empty reply", data(finish, "[DONE]"), "", "stop", nil, 0},
		{"refusal", data(`{"choices":[{"index":0,"delta":{"refusal":"I can't help with that."}}]}`, finish), "I can't help with that.", "stop", nil, 0},
		{"azure filter chunks", data(`{"choices":[],"prompt_filter_results":[{"prompt_index":0}]}`, text("ok"), finish, `{"choices":[{"index":0,"delta":{},"content_filter_results":{}}]}`, "[DONE]"), "ok", "stop", nil, 0},
		{"other choices ignored", data(`{"choices":[{"index":1,"delta":{"content":"no"}}]}`, text("yes"), finish), "yes", "stop", nil, 0},
		{"error object", data(text("a"), `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`), "a", "", nil, 500},
		{"error event", "event: error\ndata: {\"error\":{\"message\":\"Rate limited\",\"type\":\"rate_limit_error\",\"code\":429}}\n\n", "", "", nil, 429},
		{"malformed", data(`{"choices":[`), "", "", ErrMalformed, 0},
		{"hostile index", data(`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":100000000,"function":{"name":"f"}}]}}]}`), "", "", ErrMalformed, 0},
		{"too long", "data: " + strings.Repeat("x", sse.DefaultMaxEvent+1) + "\n\n", "", "", sse.ErrTooLong, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := decodeStream(t, tc.stream)
			var se *sse.StatusError
			switch {
			case tc.status != 0:
				if !errors.As(err, &se) || se.Status != tc.status || !se.InStream {
					t.Fatalf("got %v", err)
				}
			case !errors.Is(err, tc.err):
				t.Fatalf("got %v, want %v", err, tc.err)
			}
			if rec.Text() != tc.text {
				t.Fatalf("text %q", rec.Text())
			}
			d := rec.Done()
			if (d != nil) != (tc.reason != "") || d != nil && d.Reason != tc.reason {
				t.Fatalf("done %+v", d)
			}
		})
	}
}

func TestDecodeMissingIDs(t *testing.T) {
	rec, err := decodeStream(t, data(
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":""}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"name":"g","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].ID == "" || calls[0].ID == calls[1].ID || calls[0].Arguments != "{}" || calls[1].Name != "g" {
		t.Fatalf("calls %+v", calls)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(data(`{"choices":[{"index":0,"delta":{"content":"hi"}}]}`, `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`, `{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}`, "[DONE]"))
	f.Add(data(`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c","function":{"name":"f","arguments":"{"}}]}}]}`, `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"}"}}]},"finish_reason":"tool_calls"}]}`))
	f.Add("event: error\ndata: {\"error\":{\"message\":\"x\"}}\n\n")
	f.Add(data(`{"choices":null,"usage":null}`))
	f.Fuzz(func(t *testing.T, stream string) {
		rec, err := decodeStream(t, stream)
		done := rec.Done() != nil
		if done == (err != nil) {
			t.Fatalf("done %v with error %v", done, err)
		}
		for _, c := range rec.Calls() {
			if c.ID == "" || c.Arguments == "" {
				t.Fatalf("incomplete call %+v", c)
			}
		}
	})
}

// BenchmarkDecode measures the client's work per token: SSE parsing, chunk
// decoding and emitting, on a realistic chat.completion.chunk.
func BenchmarkDecode(b *testing.B) {
	const tokens = 1000
	var sb strings.Builder
	for i := range tokens {
		fmt.Fprintf(&sb, "data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok%d\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x3Ab\"}\n\n", i%10)
	}
	sb.WriteString(data(`{"id":"chatcmpl-B9","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`,
		`{"id":"chatcmpl-B9","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":1000,"total_tokens":1020}}`, "[DONE]"))
	stream := sb.String()
	emit := func(voice.LLMEvent) {}
	b.ReportAllocs()
	for b.Loop() {
		d := decoder{provider: "openai", model: "m", start: time.Now()}
		if err := d.consume(sse.NewReader(strings.NewReader(stream), 0), emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tokens), "ns/token")
}
