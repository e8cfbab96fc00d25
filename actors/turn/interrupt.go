package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// interruption is caller speech over the assistant, being decided. It is
// tentative first: playback pauses at once. Enough confident words confirm
// it (the reply is cut and the caller has the floor); otherwise, once the
// caller is quiet, playback resumes where it stopped.
type interruption struct {
	turn   int
	since  time.Time
	window time.Time // from the caller's first word; until then tentative_confirm_words suffice
	from   int       // the caller's segments from here on are the overlap
}

// noWordsGrace is how long a tentative interruption waits for a first
// transcribed word: streaming recognizers deliver the first interim some
// hundreds of milliseconds after speech starts. With no word by then it was
// a noise, and playback resumes.
const noWordsGrace = 700 * time.Millisecond

// openGap is how long without a transcript update counts as a pause while
// a segment is still open (words heard, no final yet): interim updates can
// be half a second apart.
const openGap = 800 * time.Millisecond

// checkAt is when to consider recovering: after the confirmation window,
// once the caller is quiet.
func (i *interruption) checkAt(c *caller) time.Time {
	if i.window.IsZero() {
		return i.since.Add(noWordsGrace)
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
// speaking.
func (m *Machine) considerInterruption(now time.Time) {
	r, t := m.reply, m.play
	if r == nil || t == nil || t != r.track || !r.audible() || m.ending != nil || r.after != afterNone || r.protected {
		return // goodbyes, transfer announcements and disclosures are not interruptible
	}
	if r.speculative {
		// The caller is still talking over a reply we guessed early: the
		// turn was not over, so the guess goes, whatever was said.
		m.cancelSpeculation(now)
		return
	}
	if m.caller.burstIgnored {
		return // the rest of speech already judged not to be a turn
	}
	if m.intr == nil {
		if left, complete := t.left(); complete && left <= m.set.TailProtection {
			return // the last stretch of a reply: this is the caller's next turn
		}
		if t.playedFor(now) < m.set.MinSpeakingTime {
			return
		}
		m.intr = &interruption{turn: r.turn, since: now, from: len(m.caller.segments)}
		t.pause()
		m.port.Publish(events.Interruption{Turn: r.turn, Stage: events.InterruptionTentative, Reason: "caller speech"})
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
// and generation stop, and the history keeps only what the caller heard.
func (m *Machine) confirm(now time.Time, reason string) {
	r := m.reply
	m.intr = nil
	m.port.Publish(events.Interruption{Turn: r.turn, Stage: events.InterruptionConfirmed, Reason: reason})
	heard := r.track.heardText()
	m.cancelReply(now)
	m.truncateHistory(r, heard)
	m.reply = r // finishReply reports it
	m.finishReply(now, true)
	m.cooldownUntil = now.Add(m.set.Cooldown)
	if m.caller.endSeen {
		m.caller.endSeen = false
		m.endOfTurn(now, false)
	}
}

// recover ends a tentative interruption that was not confirmed: what the
// caller said over the assistant was not a turn, and playback resumes
// where it paused.
func (m *Machine) recover(now time.Time, reason string) {
	i := m.intr
	m.intr = nil
	c := &m.caller
	if i.from < len(c.segments) {
		c.segments = c.segments[:i.from]
	}
	c.interim = segment{}
	c.endSeen = false
	c.burstIgnored = true
	if len(c.segments) == 0 {
		c.speaking, c.commitAt = false, time.Time{}
	}
	m.port.Publish(events.Interruption{Turn: i.turn, Stage: events.InterruptionRecovered, Reason: reason})
	if r := m.reply; r != nil && r.turn == i.turn && m.play == r.track {
		r.track.start(now)
		m.pump(now)
	}
}

// callerContinued handles the caller speaking on after their turn was
// committed but before the reply was heard: the reply is dropped and the
// turn reopened with what they had said, so the assistant never answers
// half a thought.
func (m *Machine) callerContinued(now time.Time) {
	r := m.reply
	if r == nil || r.speculative || r.audible() || r.source != "llm" || m.ending != nil {
		return
	}
	s := m.caller.interim
	if n := len(m.caller.segments); n > 0 {
		s = m.caller.segments[n-1]
	}
	if s.conf != 0 && s.conf < m.set.MinConfidence || len(contentWords(s.text, m.set.BackchannelFilter)) == 0 {
		return
	}
	m.cancelReply(now)
	if i := r.msgStart - 1; i >= 1 && m.history[i].Role == voice.RoleUser {
		prev := m.history[i].Content
		m.history = m.history[:i]
		m.caller.segments = append([]segment{{text: prev, conf: 1}}, m.caller.segments...)
	}
	m.port.Publish(events.ReplyFinished{Turn: r.turn, Interrupted: true})
}
