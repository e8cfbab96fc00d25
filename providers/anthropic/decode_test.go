package anthropic

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
	return decodeOutput(t, stream, "")
}

// decodeOutput decodes a stream answering a request for structured output
// through the tool output ("" for none).
func decodeOutput(t testing.TB, stream, output string) (*openaifake.Events, error) {
	rec := &openaifake.Events{}
	d := decoder{model: "m", start: time.Now(), output: output}
	err := d.consume(sse.NewReader(strings.NewReader(stream), 0), rec.Emit)
	if e := rec.Err(); e != nil {
		t.Error(e)
	}
	return rec, err
}

// named builds events; an empty name sends the data without an event: line.
func named(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != "" {
			b.WriteString("event: " + pairs[i] + "\n")
		}
		b.WriteString("data: " + pairs[i+1] + "\n\n")
	}
	return b.String()
}

const (
	msgStart = `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":1}}}`
	msgStop  = `{"type":"message_stop"}`
)

func TestDecodeToolUse(t *testing.T) {
	rec, err := decodeStream(t, named(
		"message_start", msgStart,
		"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":0}`,
		"content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`,
		"ping", `{"type": "ping"}`,
		"content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Okay"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":1}`,
		"content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_a","name":"f","input":{}}}`,
		"content_block_delta", `{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}`,
		"content_block_delta", `{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"q\": "}}`,
		"content_block_delta", `{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\"x\"}"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":2}`,
		"content_block_start", `{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_b","name":"g","input":{}}}`,
		"content_block_stop", `{"type":"content_block_stop","index":3}`,
		"some_future_event", `{"type":"some_future_event"}`,
		"message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}`,
		"message_stop", msgStop))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if rec.Text() != "Okay" || len(calls) != 2 || calls[0] != (voice.ToolCall{ID: "toolu_a", Name: "f", Arguments: `{"q": "x"}`}) || calls[1].Arguments != "{}" {
		t.Fatalf("%q %+v", rec.Text(), calls)
	}
	if u := rec.Usage(); *u != (voice.LLMUsage{PromptTokens: 18, CompletionTokens: 42}) || rec.Done().Reason != "tool_use" {
		t.Fatalf("usage %+v done %+v", u, rec.Done())
	}
}

func TestDecodeEdges(t *testing.T) {
	textStart := `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`
	delta := func(s string) string {
		return fmt.Sprintf(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%q}}`, s)
	}
	end := `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":2}}`
	for _, tc := range []struct {
		name, stream, text, reason string
		err                        error
		status                     int
		usage                      *voice.LLMUsage
	}{
		{"unnamed events", named("", msgStart, "", textStart, "", delta("hi"), "", end, "", msgStop), "hi", "end_turn", nil, 0, &voice.LLMUsage{PromptTokens: 20, CompletionTokens: 2}},
		{"no message_stop", named("message_start", msgStart, "content_block_start", textStart, "content_block_delta", delta("hi"), "message_delta", end), "hi", "end_turn", nil, 0, nil},
		{"truncated", named("message_start", msgStart, "content_block_start", textStart, "content_block_delta", delta("hi")), "hi", "", ErrTruncated, 0, nil},
		{"overloaded mid-stream", named("message_start", msgStart, "content_block_start", textStart, "content_block_delta", delta("hi"), "error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`), "hi", "", nil, 529, nil},
		{"error before text", named("message_start", msgStart, "error", `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`), "", "", nil, 500, nil},
		{"unknown error type", named("error", `{"type":"error","error":{"type":"brand_new_error","message":"?"}}`), "", "", nil, 500, nil},
		{"empty message", named("message_start", msgStart, "message_delta", end, "message_stop", msgStop), "", "end_turn", nil, 0, nil},
		{"malformed", named("message_start", `{"type":`), "", "", ErrMalformed, 0, nil},
		{"block without body", named("content_block_delta", `{"type":"content_block_delta","index":0}`), "", "", ErrMalformed, 0, nil},
		{"hostile index", named("content_block_start", `{"type":"content_block_start","index":99999999,"content_block":{"type":"tool_use","id":"t","name":"f"}}`), "", "", ErrMalformed, 0, nil},
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
			if d := rec.Done(); (d != nil) != (tc.reason != "") || d != nil && d.Reason != tc.reason {
				t.Fatalf("done %+v", d)
			}
			if tc.usage != nil && *rec.Usage() != *tc.usage {
				t.Fatalf("usage %+v", rec.Usage())
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(named("message_start", msgStart,
		"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":0}`,
		"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}`,
		"message_stop", msgStop))
	f.Add(named("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}`,
		"content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":1}`, "message_stop", msgStop))
	f.Add(named("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
	f.Fuzz(func(t *testing.T, stream string) {
		rec, err := decodeStream(t, stream)
		if (rec.Done() != nil) == (err != nil) {
			t.Fatalf("done %v with error %v", rec.Done(), err)
		}
		for _, c := range rec.Calls() {
			if c.Arguments == "" {
				t.Fatalf("call without arguments %+v", c)
			}
		}
		// as structured output through the tool f, f's input is text
		out, oerr := decodeOutput(t, stream, "f")
		if (oerr == nil) != (err == nil) || (out.Done() != nil) == (oerr != nil) {
			t.Fatalf("as output: done %v with error %v; plain error %v", out.Done(), oerr, err)
		}
		for _, c := range out.Calls() {
			if c.Name == "f" {
				t.Fatalf("the output tool came as a call %+v", c)
			}
		}
	})
}

// With structured output, the forced tool's input streams as the text.
func TestDecodeOutputTool(t *testing.T) {
	stream := named("message_start", msgStart,
		"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"lead","input":{}}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"name\":"}}`,
		"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Ada\"}"}}`,
		"content_block_stop", `{"type":"content_block_stop","index":0}`,
		"message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":3}}`,
		"message_stop", msgStop)
	rec, err := decodeOutput(t, stream, "lead")
	if err != nil || rec.Text() != `{"name":"Ada"}` || len(rec.Calls()) != 0 || rec.Deltas() != 2 {
		t.Fatalf("text %q, calls %+v, %d deltas, %v", rec.Text(), rec.Calls(), rec.Deltas(), err)
	}
	if plain, _ := decodeStream(t, stream); len(plain.Calls()) != 1 || plain.Text() != "" {
		t.Fatalf("without output: %+v", plain.All())
	}
}

// BenchmarkDecode measures the client's work per token: SSE parsing, event
// decoding and emitting, on the service's text_delta events.
func BenchmarkDecode(b *testing.B) {
	const tokens = 1000
	var sb strings.Builder
	sb.WriteString(named("message_start", msgStart, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`, "ping", `{"type": "ping"}`))
	for i := range tokens {
		fmt.Fprintf(&sb, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" tok%d\"}}\n\n", i%10)
	}
	sb.WriteString(named("content_block_stop", `{"type":"content_block_stop","index":0}`,
		"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1000}}`, "message_stop", msgStop))
	stream := sb.String()
	emit := func(voice.LLMEvent) {}
	b.ReportAllocs()
	for b.Loop() {
		d := decoder{model: "m", start: time.Now()}
		if err := d.consume(sse.NewReader(strings.NewReader(stream), 0), emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tokens), "ns/token")
}
