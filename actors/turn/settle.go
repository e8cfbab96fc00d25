package turn

import (
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// settleWait is how long after a turn takes an interim transcript the
// recogniser's final for it is still expected: finalising takes it some
// hundreds of milliseconds, more on a loaded machine.
const settleWait = 3 * time.Second

// sameSpeech is the least word similarity between the interim taken and a
// final for the final to be the same speech, revised.
const sameSpeech = 0.6

// owedFinal is speech a turn took on an interim transcript, because no
// final came within the utterance timeout or the provider ended the turn
// before finalising it. The recogniser still finalises that audio (commit
// asks it to), and that final is the same words, not the caller going on:
// it replaces the interim in the turn (or in the history once committed)
// instead of becoming a second turn, or a duplicate of the first.
type owedFinal struct {
	text  string    // the interim taken
	until time.Time // a final after this is new speech
	// msg is the history index of the committed turn's message, which ends
	// with text; 0 while the turn is open and text is one of its segments.
	msg  int
	turn TurnNumber
}

// takeInterim makes the open hypothesis part of the turn without its
// final, which is then owed.
func (m *Machine) takeInterim(now time.Time) {
	c := &m.caller
	if c.interim.text == "" {
		return
	}
	c.segments = append(c.segments, c.interim)
	m.owed = &owedFinal{text: c.interim.text, until: now.Add(settleWait)}
	c.interim = segment{}
}

// owedCommitted follows the owed final into the history as its turn is
// committed: the message just appended.
func (m *Machine) owedCommitted(turn TurnNumber) {
	o := m.owed
	if o == nil || o.msg != 0 {
		return
	}
	last := len(m.history) - 1
	if !strings.HasSuffix(m.history[last].Content, o.text) {
		m.owed = nil // filtered out of the turn (a backchannel): nothing to settle
		return
	}
	o.msg, o.turn = last, turn
}

// settle takes a transcript that may be the owed final. It reports whether
// the transcript is wholly that speech (nothing more to do with it), and
// otherwise returns the text left for the turn in progress: all of it, or
// what the caller said after the owed words when the final carries both.
func (m *Machine) settle(now time.Time, t *voice.Transcript, text string) (string, bool) {
	o := m.owed
	if o == nil {
		return text, false
	}
	if now.After(o.until) {
		m.owed = nil
		return text, false
	}
	said, taken := normWords(text), normWords(o.text)
	if !t.Final {
		// The hypothesis again, re-sent before its final: not news.
		if hasWordPrefix(taken, said) || similarity(text, o.text) >= sameSpeech {
			return "", true
		}
		return text, false
	}
	m.owed = nil
	if similarity(text, o.text) >= sameSpeech {
		m.settleOwed(now, o, text)
		return "", true
	}
	if hasWordPrefix(said, taken) {
		head, rest := splitAfterWords(text, len(taken))
		m.settleOwed(now, o, head)
		return rest, rest == ""
	}
	return text, false
}

// settleOwed puts the final where the interim stood: in the open turn's
// segments, or in the committed turn's message. A reply nobody has heard
// yet, to words the final changed, is started again on the final's words.
func (m *Machine) settleOwed(now time.Time, o *owedFinal, final string) {
	if o.msg == 0 {
		c := &m.caller
		for i := len(c.segments) - 1; i >= 0; i-- {
			if c.segments[i].text == o.text {
				c.segments[i].text = final
				return
			}
		}
		return
	}
	if o.msg >= len(m.history) || !strings.HasSuffix(m.history[o.msg].Content, o.text) {
		return
	}
	msg := &m.history[o.msg]
	msg.Content = strings.TrimSuffix(msg.Content, o.text) + final
	changed := !slices.Equal(normWords(o.text), normWords(final))
	if r := m.reply; changed && m.assistant == Thinking && r.source == SourceLLM && r.turn == o.turn && o.msg == len(m.history)-1 {
		m.endReply(now, superseded)
		m.startReply(now, o.turn, SourceLLM, "", "")
	}
}

// hasWordPrefix reports whether words begins with prefix.
func hasWordPrefix(words, prefix []string) bool {
	return len(prefix) <= len(words) && slices.Equal(words[:len(prefix)], prefix)
}

// splitAfterWords splits text after its first n words (as normWords counts
// them), keeping the text's own spelling and punctuation on both sides.
func splitAfterWords(text string, n int) (head, rest string) {
	fields := strings.Fields(text)
	seen := 0
	for i, f := range fields {
		if seen == n {
			return strings.Join(fields[:i], " "), strings.Join(fields[i:], " ")
		}
		seen += len(normWords(f))
	}
	return text, ""
}
