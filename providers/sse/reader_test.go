package sse

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

type ev struct{ name, data string }

func readAll(t testing.TB, r io.Reader, max int) ([]ev, error) {
	t.Helper()
	rd := NewReader(r, max)
	var out []ev
	for {
		e, err := rd.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev{e.Name, string(e.Data)})
	}
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []ev
	}{
		{"openai", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []ev{{"", `{"a":1}`}, {"", "[DONE]"}}},
		{"no space", "data:x\n\n", []ev{{"", "x"}}},
		{"two spaces keep one", "data:  x\n\n", []ev{{"", " x"}}},
		{"crlf", "data: a\r\n\r\ndata: b\r\n\r\n", []ev{{"", "a"}, {"", "b"}}},
		{"cr", "data: a\r\rdata: b\r\r", []ev{{"", "a"}, {"", "b"}}},
		{"named", "event: ping\ndata: {}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
			[]ev{{"ping", "{}"}, {"message_stop", `{"type":"message_stop"}`}}},
		{"name resets", "event: a\ndata: 1\n\ndata: 2\n\n", []ev{{"a", "1"}, {"", "2"}}},
		{"multi-line", "data: a\ndata: b\ndata:\n\n", []ev{{"", "a\nb\n"}}},
		{"comments and ids", ": keep-alive\nid: 7\nretry: 100\ndata: x\n\n: bye\n\n", []ev{{"", "x"}}},
		{"no data no event", "event: ping\n\ndata: y\n\n", []ev{{"", "y"}}},
		{"field without colon", "data\n\n", []ev{{"", ""}}},
		{"unknown field", "foo: bar\ndata: z\n\n", []ev{{"", "z"}}},
		{"bom", "\xEF\xBB\xBFdata: b\n\n", []ev{{"", "b"}}},
		{"unterminated last event", "data: a\n\ndata: b\n", []ev{{"", "a"}, {"", "b"}}},
		{"unterminated last line", "data: a", []ev{{"", "a"}}},
		{"empty", "", nil},
		{"blank lines", "\n\n\r\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in)), iotest.DataErrReader(strings.NewReader(tc.in))} {
				got, err := readAll(t, r, 0)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}

func TestReaderLimits(t *testing.T) {
	long := "data: " + strings.Repeat("x", 100) + "\n\n"
	if _, err := readAll(t, strings.NewReader(long), 64); !errors.Is(err, ErrTooLong) {
		t.Fatalf("long line: %v", err)
	}
	many := strings.Repeat("data: "+strings.Repeat("x", 30)+"\n", 10) + "\n"
	if _, err := readAll(t, strings.NewReader(many), 64); !errors.Is(err, ErrTooLong) {
		t.Fatalf("long event: %v", err)
	}
	// Lines within the limit pass however they are split across reads,
	// and a buffer that grew keeps working.
	ok := strings.Repeat("data: "+strings.Repeat("y", 50)+"\n\n", 100)
	got, err := readAll(t, iotest.HalfReader(strings.NewReader(ok)), 64)
	if err != nil || len(got) != 100 {
		t.Fatalf("%d events, %v", len(got), err)
	}
	// A line of any length is fine with the default limit.
	big := "data: " + strings.Repeat("z", 100_000) + "\n\n"
	if got, err := readAll(t, strings.NewReader(big), 0); err != nil || len(got[0].data) != 100_000 {
		t.Fatalf("big: %v", err)
	}
}

func TestReaderSourceError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: partial"), iotest.ErrReader(io.ErrUnexpectedEOF))
	got, err := readAll(t, r, 0)
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 1 {
		t.Fatalf("got %q, %v: a truncated stream must not dispatch its partial event", got, err)
	}
}

// reference is the event-stream algorithm written plainly, for the fuzzer.
func reference(in []byte) []ev {
	in = bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
	s := strings.ReplaceAll(string(in), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []ev
	var data []string
	name := ""
	for _, l := range lines {
		switch {
		case l == "":
			if data != nil {
				out = append(out, ev{name, strings.Join(data, "\n")})
			}
			data, name = nil, ""
		case l[0] == ':':
		default:
			f, v, _ := strings.Cut(l, ":")
			v = strings.TrimPrefix(v, " ")
			switch f {
			case "data":
				data = append(data, v)
			case "event":
				name = v
			}
		}
	}
	if data != nil {
		out = append(out, ev{name, strings.Join(data, "\n")})
	}
	return out
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\ndata: [DONE]\n\n",
		"event: ping\r\ndata: {}\r\n\r\n",
		"data: a\rdata: b\r\r:c\n\n",
		"\xEF\xBB\xBFdata:x\ndata\n\n",
		"event: a\n\ndata: 1",
	} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		want := reference(in)
		got, err := readAll(t, &chunked{b: in, n: int(chunk%16) + 1}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
		// A tight limit may fail but never panics or returns more than the input.
		small, _ := readAll(t, bytes.NewReader(in), 8)
		if len(small) > len(want) {
			t.Fatalf("limited reader invented events: %q", small)
		}
	})
}

// chunked returns at most n bytes per Read, to move line and CRLF
// boundaries across reads.
type chunked struct {
	b []byte
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

func BenchmarkReader(b *testing.B) {
	chunk := `data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}]}` + "\n\n"
	in := []byte(strings.Repeat(chunk, 1000))
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	r := bytes.NewReader(in)
	rd := NewReader(r, 0)
	for b.Loop() {
		if _, err := rd.Next(); err == io.EOF {
			r.Reset(in)
			rd = NewReader(r, 0)
		}
	}
}
