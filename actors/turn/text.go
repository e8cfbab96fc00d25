package turn

import (
	"strings"
	"unicode"
)

// normWords lower-cases text and splits it into words without punctuation
// ("Uh-huh, OK." → ["uh-huh", "ok"]).
func normWords(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	})
	out := f[:0]
	for _, w := range f {
		if w = strings.Trim(w, "-'"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// acknowledgements are what callers say to show they are listening, not to
// take the turn; with the backchannel filter on they never interrupt and
// are not replied to.
var acknowledgements = map[string]bool{
	"uh-huh": true, "uh": true, "huh": true, "mm-hmm": true, "mhm": true, "mm": true, "hmm": true, "hm": true,
	"um": true, "er": true, "ah": true, "oh": true, "yeah": true, "yep": true, "yes": true, "okay": true, "ok": true,
	"right": true, "sure": true, "alright": true, "cool": true, "i": true, "see": true, "got": true, "it": true, "all": true,
}

// ackPhrases are the multi-word acknowledgements; their words are only
// acknowledgements together ("I see" is, "I need" is not).
var ackPhrases = [][]string{{"i", "see"}, {"got", "it"}, {"all", "right"}, {"uh", "huh"}, {"mm", "hmm"}}

// contentWords returns the words of text that carry meaning: with
// filtering on, acknowledgements and fillers are dropped.
func contentWords(text string, filter bool) []string {
	w := normWords(text)
	if !filter {
		return w
	}
	out := make([]string, 0, len(w))
	for i := 0; i < len(w); i++ {
		if n := phraseAt(w, i); n > 0 {
			i += n - 1
			continue
		}
		if acknowledgements[w[i]] && !phraseWord(w[i]) {
			continue
		}
		out = append(out, w[i])
	}
	return out
}

// phraseAt reports the length of an acknowledgement phrase starting at i.
func phraseAt(w []string, i int) int {
	for _, p := range ackPhrases {
		if i+len(p) <= len(w) && equalWords(w[i:i+len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// phraseWord is a word that is an acknowledgement only inside a phrase.
func phraseWord(w string) bool {
	switch w {
	case "i", "see", "got", "it", "all":
		return true
	}
	return false
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isAcknowledgement reports whether text is only acknowledgements.
func isAcknowledgement(text string) bool {
	return len(normWords(text)) > 0 && len(contentWords(text, true)) == 0
}

// danglingWords end an utterance that is obviously unfinished.
var danglingWords = map[string]bool{
	"and": true, "but": true, "or": true, "so": true, "because": true, "to": true, "the": true, "a": true, "an": true,
	"my": true, "your": true, "of": true, "for": true, "with": true, "if": true, "that": true, "is": true, "are": true,
	"was": true, "um": true, "uh": true, "er": true, "like": true, "then": true, "in": true, "on": true, "at": true,
	"want": true, "need": true, "would": true, "could": true, "can": true, "will": true, "i'm": true, "it's": true,
}

// looksUnfinished is the incomplete-utterance heuristic: a turn ending in a
// conjunction, article, preposition, auxiliary or filler ("I want to…",
// "my number is"), or in a comma, is held a little longer. (Burki asks a
// small LLM for short turns; a word list decides in microseconds and is
// right for the obvious cases the setting is about.)
func looksUnfinished(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return false
	}
	if strings.HasSuffix(t, ",") || strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…") {
		return true
	}
	w := normWords(t)
	return len(w) > 0 && danglingWords[w[len(w)-1]]
}

// similarity compares two utterances word by word: 1 minus the word-level
// edit distance over the longer length (1 for identical, 0 for unrelated).
func similarity(a, b string) float64 {
	x, y := normWords(a), normWords(b)
	if len(x) == 0 && len(y) == 0 {
		return 1
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(y)])/float64(max(len(x), len(y)))
}

// yesNoOpeners begin a question that "yes" or "okay" answers ("Would you
// like…?", "Shall I…?", "Is that…?"), unlike "What…?" or "How…?".
var yesNoOpeners = map[string]bool{
	"do": true, "does": true, "did": true, "is": true, "are": true, "was": true, "were": true, "can": true, "could": true,
	"would": true, "will": true, "shall": true, "should": true, "may": true, "have": true, "has": true, "had": true,
	"am": true, "isn't": true, "aren't": true, "don't": true, "doesn't": true, "won't": true, "wouldn't": true,
	"shouldn't": true, "can't": true, "couldn't": true,
}

// asksYesNo reports whether text ends with a yes-or-no question.
func asksYesNo(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasSuffix(t, "?") {
		return false
	}
	last := t[:len(t)-1]
	if i := strings.LastIndexAny(last, ".!?"); i >= 0 {
		last = last[i+1:]
	}
	w := normWords(last)
	for len(w) > 0 && (w[0] == "so" || w[0] == "and" || w[0] == "ok" || w[0] == "okay" || w[0] == "great") {
		w = w[1:] // "Okay, shall I…?"
	}
	return len(w) > 0 && yesNoOpeners[w[0]]
}

// assents are the acknowledgements that also answer a yes-or-no question.
var assents = map[string]bool{"yes": true, "yeah": true, "yep": true, "okay": true, "ok": true, "sure": true, "right": true, "alright": true}

// answersYesNo reports whether an acknowledgement says yes.
func answersYesNo(text string) bool {
	for _, w := range normWords(text) {
		if assents[w] {
			return true
		}
	}
	return false
}
