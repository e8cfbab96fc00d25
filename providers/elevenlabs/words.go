package elevenlabs

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/voice"
)

// aligner turns per-chunk character alignment into words timed from the
// start of the utterance. A word may straddle chunks: its characters are
// held until a space ends it, or until they spell the next word of the text
// sent, so that a sentence's last word is reported with its own audio rather
// than when the next sentence starts.
type aligner struct {
	expect []string // words of the text sent, in order
	next   int      // index in expect of the word being spoken
	word   []byte   // the word being assembled
	start  time.Duration
	end    time.Duration
}

// sent records text sent for synthesis.
func (a *aligner) sent(text string) { a.expect = append(a.expect, strings.Fields(text)...) }

// chunk adds one chunk's alignment, whose audio starts at base, and appends
// the words it completes to words.
func (a *aligner) chunk(al *alignment, base time.Duration, words []voice.Word) []voice.Word {
	for i := range al.len() {
		c := al.chars[i]
		if isSpace(c) {
			words = a.flush(words)
			continue
		}
		st := base + ms(al.starts[i])
		if len(a.word) == 0 {
			a.start = st
		}
		a.word = append(a.word, c...)
		a.end = max(a.end, st+ms(al.durs[i]))
	}
	if len(a.word) > 0 && a.next < len(a.expect) && string(a.word) == a.expect[a.next] {
		words = a.flush(words)
	}
	return words
}

// flush ends the word being assembled, if any.
func (a *aligner) flush(words []voice.Word) []voice.Word {
	if len(a.word) == 0 {
		return words
	}
	words = append(words, voice.Word{Text: string(a.word), Start: a.start, End: a.end})
	a.word, a.end = a.word[:0], 0
	a.next++
	return words
}

func isSpace(c []byte) bool {
	r, _ := utf8.DecodeRune(c)
	return len(c) == 0 || unicode.IsSpace(r)
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
