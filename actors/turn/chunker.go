package turn

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// chunker cuts streamed model text into speakable chunks: whole sentences,
// or clauses once a sentence runs long, so TTS can start on the first words
// while the model is still writing. The first chunk of a reply is cut at the
// first clause to start audio as early as possible.
type chunker struct {
	buf   strings.Builder
	first bool // nothing emitted yet
}

const (
	// minClause is the shortest text cut at a clause boundary (, ; :).
	minClause = 25
	// minFirstClause is the shortest first chunk cut at a clause.
	minFirstClause = 12
	// maxChunk forces a cut at a space when text runs on without punctuation.
	maxChunk = 180
)

func newChunker() *chunker { return &chunker{first: true} }

// add appends text and returns the chunks now complete.
func (c *chunker) add(text string) []string {
	c.buf.WriteString(text)
	var out []string
	for {
		s := c.buf.String()
		cut := c.cutPoint(s)
		if cut <= 0 {
			return out
		}
		if chunk := strings.TrimSpace(s[:cut]); chunk != "" {
			out = append(out, chunk)
			c.first = false
		}
		rest := s[cut:]
		c.buf.Reset()
		c.buf.WriteString(rest)
	}
}

// flush returns whatever text remains.
func (c *chunker) flush() string {
	s := strings.TrimSpace(c.buf.String())
	c.buf.Reset()
	if s != "" {
		c.first = false
	}
	return s
}

// cutPoint finds where the first complete chunk of s ends, or 0. A boundary
// counts only once the character after it is known (a space), so "3.5" and
// "e.g." mid-stream are not cut.
func (c *chunker) cutPoint(s string) int {
	clauseMin := minClause
	if c.first {
		clauseMin = minFirstClause
	}
	lastSpace := 0
	for i, r := range s {
		next := i + len(string(r))
		if next >= len(s) {
			break
		}
		after, _ := utf8.DecodeRuneInString(s[next:])
		if !unicode.IsSpace(after) {
			continue
		}
		lastSpace = next
		switch r {
		case '.', '!', '?':
			if !abbreviation(s[:i]) {
				return next
			}
		case ',', ';', ':', '—':
			if next >= clauseMin {
				return next
			}
		}
		if next >= maxChunk {
			return lastSpace
		}
	}
	return 0
}

// abbreviation reports whether the word ending text is a common
// abbreviation, after which a period does not end a sentence.
func abbreviation(text string) bool {
	i := strings.LastIndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	switch strings.ToLower(text[i+1:]) {
	case "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "no", "approx":
		return true
	}
	return false
}
