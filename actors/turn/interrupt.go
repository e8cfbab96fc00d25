package turn

import (
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// interruption is caller speech over the assistant, being judged while
// the assistant is Paused. Enough confident words confirm it (the reply is
// cut and the caller has the floor); otherwise, once the caller is quiet,
// playback resumes where it stopped.
type interruption struct {
	turn   TurnNumber
	since  time.Time
	window time.Time // from the caller's first word; until then tentative_confirm_words suffice
	from   int       // the caller's segments from here on are the overlap
}

// openGap is how long without a transcript update counts as a pause while
// a segment is still open (words heard, no final yet): interim updates can
// be half a second apart.
const openGap = 800 * time.Millisecond

// checkAt is when to consider recovering: after the confirmation window,
// once the caller is quiet; with no word at all, after the false
// interruption timeout.
func (i *interruption) checkAt(c *caller, s Settings) time.Time {
	if i.window.IsZero() {
		grace := s.FalseInterruption
		if grace == 0 {
			grace = noWordsGrace
		}
		return i.since.Add(grace)
	}
	gap := quietGap
	if c.interim.text != "" {
		gap = openGap
	}
	at := c.lastSpeech.Add(gap)
	if i.window.After(at) {
		at = i.window
	}
	return at
}

// considerInterruption weighs caller speech heard while the assistant is
// speaking. The disclosure and the call's last words are not interruptible;
// speech at the very start of a reply or in its last stretch is not an
// interruption (the latter is the caller's next turn).
func (m *Machine) considerInterruption(now time.Time) {
	if m.assistant != Speaking && m.assistant != Paused {
		return
	}
	r := m.reply
	if !m.set.AllowInterruptions || !r.interruptible() || m.caller.phase == Ignoring {
		return
	}
	if m.assistant == Speaking {
		t := r.track
		if left, complete := t.left(); complete && left <= m.set.TailProtection {
			return
		}
		if t.playedFor(now) < m.set.MinSpeakingTime {
			return
		}
		m.intr = interruption{turn: r.turn, since: now, from: len(m.caller.segments)}
		m.setAssistant(Paused)
		m.port.Publish(events.Interruption{Turn: int(r.turn), Stage: events.InterruptionTentative, Reason: "caller speech"})
	}
	if m.intr.window.IsZero() && m.caller.text() != "" {
		m.intr.window = now.Add(m.set.ConfirmWindow)
	}
	words := m.overlapWords()
	switch {
	case !now.After(m.intr.window) && words >= m.set.ConfirmWords:
		m.confirm(now, "caller words within the confirmation window")
	case words >= m.set.InterruptionThreshold:
		m.confirm(now, "caller words reached the interruption threshold")
	}
}

// overlapWords counts the confident words of meaning the caller said over
// the assistant: below min_stt_confidence they do not count, and with the
// backchannel filter on neither do acknowledgements and fillers.
func (m *Machine) overlapWords() int {
	c := &m.caller
	var b strings.Builder
	add := func(s segment) {
		if len(s.words) == 0 {
			if s.conf >= m.set.MinConfidence || s.conf == 0 {
				b.WriteString(s.text + " ")
			}
			return
		}
		for _, w := range s.words {
			if w.Confidence >= m.set.MinConfidence {
				b.WriteString(w.Text + " ")
			}
		}
	}
	for _, s := range c.segments[min(m.intr.from, len(c.segments)):] {
		add(s)
	}
	add(c.interim)
	return len(contentWords(b.String(), m.set.BackchannelFilter))
}

// confirm makes the barge-in real: the carrier's queue is cleared, speech
// and generation stop, the history keeps only what the caller heard, and
// the caller has the floor. What they say over the reply is their turn,
// acknowledgements included.
func (m *Machine) confirm(now time.Time, reason string) {
	r := m.reply
	m.port.Publish(events.Interruption{Turn: int(r.turn), Stage: events.InterruptionConfirmed, Reason: reason})
	c := &m.caller
	for i := range c.segments {
		c.segments[i].over = inTheClear
	}
	c.interim.over, c.over = inTheClear, inTheClear
	m.cooldownUntil = now.Add(m.set.Cooldown)
	m.endReply(now, interrupted)
}

// recover ends a tentative interruption that was not confirmed: what the
// caller said over the assistant was not a turn and is ignored to the end
// of their burst, and playback resumes where it paused.
func (m *Machine) recover(now time.Time, reason string) {
	c := &m.caller
	if m.intr.from < len(c.segments) {
		c.segments = c.segments[:m.intr.from]
	}
	c.interim = segment{}
	if c.phase != Quiet {
		c.set(Ignoring)
	}
	m.setAssistant(Speaking)
	m.port.Publish(events.Interruption{Turn: int(m.intr.turn), Stage: events.InterruptionRecovered, Reason: reason})
}

// callerWentOn handles the caller speaking on after their turn was
// committed, before any of the reply was heard: the reply is withdrawn
// and the turn reopened with what they had said, so the assistant never
// answers half a thought. A reply that has already acted (run a tool) is
// left to finish.
func (m *Machine) callerWentOn(now time.Time) {
	r := m.reply
	if m.assistant != Thinking || r.source != SourceLLM {
		return
	}
	if slices.ContainsFunc(m.history[r.msgStart:], func(msg voice.Message) bool { return len(msg.ToolCalls) > 0 }) {
		return
	}
	c := &m.caller
	s := c.interim
	if n := len(c.segments); n > 0 {
		s = c.segments[n-1]
	}
	if s.conf != 0 && s.conf < m.set.MinConfidence || len(contentWords(s.text, m.set.BackchannelFilter)) == 0 {
		return
	}
	m.endReply(now, withdrawn)
	if i := r.msgStart - 1; i >= 1 && m.history[i].Role == voice.RoleUser {
		prev := m.history[i].Content
		m.history = m.history[:i]
		c.segments = append([]segment{{text: prev, conf: 1}}, c.segments...)
	}
}
