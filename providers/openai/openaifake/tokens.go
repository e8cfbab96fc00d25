package openaifake

import "strings"

// Tokens splits text the way the fakes stream it: pieces of at most four
// characters, a new piece starting at each space, roughly like a real
// tokenizer's " word" pieces.
func Tokens(text string) []string {
	var out []string
	start, n := 0, 0
	for i, c := range text {
		if i > start && (n == 4 || c == ' ') {
			out = append(out, text[start:i])
			start, n = i, 0
		}
		n++
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// Output is the text a model produces once its limits apply.
type Output struct {
	Tokens    []string
	Stop      string // the stop sequence that ended the text, if any
	Truncated bool   // the token budget ended the text
}

// Generate applies a request's stop sequences (the text ends before the
// first one) and its token budget (maxTokens > 0) to a scripted text.
func Generate(text string, stops []string, maxTokens int) Output {
	var out Output
	cut := len(text)
	for _, s := range stops {
		if i := strings.Index(text, s); s != "" && i >= 0 && i < cut {
			cut, out.Stop = i, s
		}
	}
	out.Tokens = Tokens(text[:cut])
	if maxTokens > 0 && len(out.Tokens) > maxTokens {
		out.Tokens, out.Stop, out.Truncated = out.Tokens[:maxTokens], "", true
	}
	return out
}

// CountTokens estimates a prompt's tokens: a quarter of its characters.
func CountTokens(text string) int { return (len(text) + 3) / 4 }
