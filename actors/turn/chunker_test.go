package turn

import (
	"slices"
	"strings"
	"testing"
)

func chunkAll(deltas ...string) []string {
	c := newChunker()
	var out []string
	for _, d := range deltas {
		out = append(out, c.add(d)...)
	}
	if rest := c.flush(); rest != "" {
		out = append(out, rest)
	}
	return out
}

func TestChunker(t *testing.T) {
	for _, tc := range []struct {
		deltas []string
		want   []string
	}{
		{[]string{"Hello", " there. How", " can I help?"}, []string{"Hello there.", "How can I help?"}},
		{[]string{"Sure, I can do that for you today, no problem at all."}, []string{"Sure, I can do that for you today,", "no problem at all."}},
		{[]string{"It costs $3.50 per item. Dr. Smith agrees."}, []string{"It costs $3.50 per item.", "Dr. Smith agrees."}},
		{[]string{"Wait"}, []string{"Wait"}},
		{[]string{"One. ", "Two. ", "Three."}, []string{"One.", "Two.", "Three."}},
	} {
		if got := chunkAll(tc.deltas...); !slices.Equal(got, tc.want) {
			t.Errorf("%q → %q, want %q", tc.deltas, got, tc.want)
		}
	}
}

// Whatever the deltas, the chunks add up to the text.
func TestChunkerKeepsEveryWord(t *testing.T) {
	text := strings.Repeat("This is a long answer without much punctuation that keeps going and going ", 5) + "until it ends."
	var deltas []string
	for i := 0; i < len(text); i += 3 {
		deltas = append(deltas, text[i:min(i+3, len(text))])
	}
	chunks := chunkAll(deltas...)
	if strings.Join(chunks, " ") != strings.Join(strings.Fields(text), " ") {
		t.Fatalf("chunks lost text: %q", chunks)
	}
	for _, c := range chunks {
		if len(c) > maxChunk+20 {
			t.Errorf("chunk of %d characters", len(c))
		}
	}
}

func FuzzChunker(f *testing.F) {
	f.Add("Hello there. How are you?", 3)
	f.Fuzz(func(t *testing.T, text string, step int) {
		if step <= 0 || step > 64 {
			step = 1
		}
		c := newChunker()
		var got []string
		for i := 0; i < len(text); i += step {
			got = append(got, c.add(text[i:min(i+step, len(text))])...)
		}
		got = append(got, c.flush())
		if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != strings.Join(strings.Fields(text), " ") {
			t.Fatalf("text changed: %q → %q", text, got)
		}
	})
}
