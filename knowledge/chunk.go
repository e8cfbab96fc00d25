package knowledge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Chunking strategies (rag_settings.chunking_strategy). Each splits text
// into chunks of at most chunk_size characters, neighbours sharing up to
// chunk_overlap characters; they differ in the boundaries they prefer.
const (
	StrategyRecursive = "recursive" // paragraphs, then lines, sentences, clauses, words
	StrategyParagraph = "paragraph" // paragraphs and lines only, then words
	StrategySentence  = "sentence"  // sentences first, even across paragraphs, then words
	StrategyFixed     = "fixed"     // windows of chunk_size characters, wherever they fall
)

// separators are each strategy's boundaries, most preferred first; ""
// (between any two characters) is always last.
var separators = map[string][]string{
	StrategyRecursive: {"\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""},
	StrategyParagraph: {"\n\n", "\n", " ", ""},
	StrategySentence:  {". ", "? ", "! ", "\n", " ", ""},
	StrategyFixed:     {""},
}

// Chunking says how to cut a document.
type Chunking struct {
	Strategy      string
	Size, Overlap int // in characters; 0 <= Overlap < Size
}

// Split cuts text into chunks per c: every chunk is at most c.Size
// characters and, where a boundary allows, neighbours overlap by up to
// c.Overlap characters. Chunks are trimmed; empty ones are dropped.
func Split(text string, c Chunking) ([]string, error) {
	seps, ok := separators[c.Strategy]
	switch {
	case !ok:
		return nil, fmt.Errorf("knowledge: unknown chunking strategy %q", c.Strategy)
	case c.Size <= 0 || c.Overlap < 0 || c.Overlap >= c.Size:
		return nil, fmt.Errorf("knowledge: chunk_overlap %d must be from 0 to below chunk_size %d", c.Overlap, c.Size)
	}
	s := splitter{size: c.Size, overlap: c.Overlap}
	var out []string
	for _, p := range s.split(text, seps) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out, nil
}

type splitter struct{ size, overlap int }

func length(s string) int { return utf8.RuneCountInString(s) }

// split cuts text at the first of seps it contains; pieces still too
// long are cut at the following separators.
func (s splitter) split(text string, seps []string) []string {
	sep, rest := seps[len(seps)-1], []string(nil)
	for i, c := range seps {
		if c == "" || strings.Contains(text, c) {
			sep, rest = c, seps[i+1:]
			break
		}
	}
	var pieces []string
	if sep == "" {
		for _, r := range text {
			pieces = append(pieces, string(r))
		}
	} else {
		parts := strings.SplitAfter(text, sep) // the separator stays with the text before it
		pieces = parts
	}
	var out, fit []string
	for _, p := range pieces {
		if length(p) <= s.size {
			fit = append(fit, p)
			continue
		}
		out = append(out, s.merge(fit)...)
		fit = nil
		out = append(out, s.split(p, rest)...)
	}
	return append(out, s.merge(fit)...)
}

// merge joins consecutive pieces into chunks of at most size characters;
// a new chunk starts with the previous one's last pieces, up to overlap
// characters of them.
func (s splitter) merge(pieces []string) []string {
	var out []string
	var cur []string
	total := 0
	for _, p := range pieces {
		n := length(p)
		if total+n > s.size && len(cur) > 0 {
			out = append(out, strings.Join(cur, ""))
			for total > s.overlap || (total > 0 && total+n > s.size) {
				total -= length(cur[0])
				cur = cur[1:]
			}
		}
		cur = append(cur, p)
		total += n
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, ""))
	}
	return out
}
