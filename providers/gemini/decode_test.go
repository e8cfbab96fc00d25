package gemini

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
	d := decoder{model: "m", start: time.Now()}
	err := d.consume(sse.NewReader(strings.NewReader(stream), 0), rec.Emit)
	if e := rec.Err(); e != nil {
		t.Error(e)
	}
	return rec, err
}

// chunks frames payloads the way the service does, with CRLF.
func chunks(payloads ...string) string {
	var b strings.Builder
	for _, p := range payloads {
		b.WriteString("data: " + p + "\r\n\r\n")
	}
	return b.String()
}

func TestDecodeEdges(t *testing.T) {
	text := func(s string) string {
		return fmt.Sprintf(`{"candidates":[{"content":{"parts":[{"text":%q}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}`, s)
	}
	last := `{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"thoughtsTokenCount":10,"totalTokenCount":18}}`
	for _, tc := range []struct {
		name, stream, text, reason string
		err                        error
		status                     int
	}{
		{"text", chunks(text("Hi"), text(" there"), last), "Hi there!", "STOP", nil, 0},
		{"thoughts skipped", chunks(`{"candidates":[{"content":{"parts":[{"text":"hmm","thought":true},{"text":"Yes"}],"role":"model"},"index":0}]}`, last), "Yes!", "STOP", nil, 0},
		{"truncated", chunks(text("Hi")), "Hi", "", ErrTruncated, 0},
		{"blocked prompt", chunks(`{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5}}`), "", "SAFETY", nil, 0},
		{"safety stop", chunks(text("Hi"), `{"candidates":[{"content":{"parts":[],"role":"model"},"finishReason":"SAFETY","index":0}]}`), "Hi", "SAFETY", nil, 0},
		{"error mid-stream", chunks(text("Hi"), `{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}`), "Hi", "", nil, 503},
		{"other candidates ignored", chunks(`{"candidates":[{"content":{"parts":[{"text":"no"}]},"index":1}]}`, last), "!", "STOP", nil, 0},
		{"malformed", chunks(`{"candidates":[`), "", "", ErrMalformed, 0},
		{"lf framing", "data: " + last + "\n\n", "!", "STOP", nil, 0},
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
		})
	}
	rec, _ := decodeStream(t, chunks(text("Hi"), last))
	if u := rec.Usage(); *u != (voice.LLMUsage{PromptTokens: 5, CompletionTokens: 13}) {
		t.Fatalf("usage %+v", u)
	}
}

func TestDecodeCalls(t *testing.T) {
	rec, err := decodeStream(t, chunks(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"x":[1,2]}},"thoughtSignature":"c2ln"},{"functionCall":{"name":"g"}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7}}`))
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].Arguments != `{"x":[1,2]}` || calls[1].Arguments != "{}" || !strings.HasPrefix(calls[0].ID, "call_") {
		t.Fatalf("calls %+v", calls)
	}
	if decodeInfo(calls[0].ProviderData) != (callInfo{signature: "c2ln"}) || calls[1].ProviderData != "" {
		t.Fatalf("signatures not carried: %q %q", calls[0].ProviderData, calls[1].ProviderData)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(chunks(`{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1}}`))
	f.Add(chunks(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":null},"thoughtSignature":"x"}]},"finishReason":"STOP"}]}`))
	f.Add(chunks(`{"error":{"code":429,"message":"x","status":"RESOURCE_EXHAUSTED"}}`))
	f.Add(chunks(`{"promptFeedback":{"blockReason":"OTHER"}}`))
	f.Fuzz(func(t *testing.T, stream string) {
		rec, err := decodeStream(t, stream)
		if (rec.Done() != nil) == (err != nil) {
			t.Fatalf("done %v with error %v", rec.Done(), err)
		}
		for _, c := range rec.Calls() {
			if c.ID == "" || c.Arguments == "" {
				t.Fatalf("incomplete call %+v", c)
			}
		}
	})
}

// BenchmarkDecode measures the client's work per token: SSE parsing, chunk
// decoding and emitting, one GenerateContentResponse per token (the
// service's chunks are usually larger, so this is the worst case).
func BenchmarkDecode(b *testing.B) {
	const tokens = 1000
	var sb strings.Builder
	for i := range tokens {
		fmt.Fprintf(&sb, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" tok%d\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"totalTokenCount\": 9,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 9}]},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"mfG0aOqKJ4Wmz7IPpPz5uQ0\"}\r\n\r\n", i%10)
	}
	sb.WriteString(chunks(`{"candidates":[{"content":{"parts":[{"text":"."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":1001,"totalTokenCount":1010}}`))
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
