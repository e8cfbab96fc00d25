package turn

import (
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
)

// pronounce applies the pronunciation rules to text on its way to
// synthesis, longest match first at each position; what the caller hears
// said is written back as the original text in transcripts and history.
func pronounce(text string, rules []assistant.PronunciationRule) string {
	if len(rules) == 0 {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		best := -1
		for j, r := range rules {
			if r.From != "" && strings.HasPrefix(text[i:], r.From) && (best < 0 || len(r.From) > len(rules[best].From)) {
				best = j
			}
		}
		if best < 0 {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(rules[best].To)
		i += len(rules[best].From)
	}
	return b.String()
}
