package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// quietGap is how long without speech evidence counts as the caller having
// stopped, for decisions that wait for a pause.
const quietGap = 300 * time.Millisecond

// unfinishedWait is the least extra time given to a turn that looks
// unfinished ("I want to…").
const unfinishedWait = 1500 * time.Millisecond

// dtmfWait is how long after the last keypress the digits make a turn.
const dtmfWait = 1500 * time.Millisecond

// noWordsGrace is how long speech evidence without a word keeps the caller
// Talking: streaming recognisers deliver the first interim some hundreds of
// milliseconds after speech starts, and with none by then it was a noise.
const noWordsGrace = 700 * time.Millisecond

// caller is the turn the caller is taking.
type caller struct {
	phase      Caller
	segments   []segment // finalised speech of the turn in progress
	interim    segment   // the current hypothesis after the last final
	turnStart  time.Time
	lastSpeech time.Time // the last evidence of speech
	// Finishing: the commit is due at commitAt, for the reason in wait.
	commitAt time.Time
	wait     commitWait

	// A burst is speech without a pause of quietGap; over says whether it
	// began over the assistant's speech.
	burstStart time.Time
	over       overlap
}

// commitWait is why a Finishing turn waits before it is committed.
type commitWait uint8

const (
	waitUtterance  commitWait = iota // the utterance timeout after a final transcript
	waitUnfinished                   // longer: the turn looked unfinished
	waitKeypad                       // more digits may follow
	waitCooldown                     // a barge-in's cooldown gathers more speech first
)

// overlap is how caller speech relates to the assistant's.
type overlap uint8

const (
	inTheClear      overlap = iota // the assistant was not speaking
	overSpeech                     // spoken over the assistant's reply
	overQuestionEnd                // spoken over the end of a yes-or-no question, where "yes" answers it
)

// segment is one transcript of caller speech.
type segment struct {
	text  string
	conf  float64
	words []voice.Word
	over  overlap
}

// backchannel reports whether the segment is a listener's acknowledgement
// of the assistant's speech rather than something said to it: only
// acknowledgements, spoken over the assistant, not answering its question.
// A backchannel is never a turn.
func (s segment) backchannel() bool {
	return s.over != inTheClear && isAcknowledgement(s.text) && !(s.over == overQuestionEnd && answersYesNo(s.text))
}

// text is the turn so far.
func (c *caller) text() string {
	parts := make([]string, 0, len(c.segments)+1)
	for _, s := range c.segments {
		parts = append(parts, s.text)
	}
	if c.interim.text != "" {
		parts = append(parts, c.interim.text)
	}
	return strings.Join(parts, " ")
}

// turnText is what the turn says to the assistant: its text without the
// backchannels.
func (c *caller) turnText() string {
	var parts []string
	for _, s := range append(c.segments, c.interim) {
		if s.text != "" && !s.backchannel() {
			parts = append(parts, s.text)
		}
	}
	return strings.Join(parts, " ")
}

// reset ends the turn: the caller is Quiet, the burst they may be in goes on.
func (c *caller) reset() {
	c.set(Quiet)
	*c = caller{lastSpeech: c.lastSpeech, burstStart: c.burstStart, over: c.over}
}

// finishAt makes the turn Finishing: committed at at, unless it goes on.
func (c *caller) finishAt(at time.Time, why commitWait) {
	c.set(Finishing)
	c.commitAt, c.wait = at, why
}

// deadline is when the caller's side needs attention: a Finishing turn's
// commit, a Talking turn whose recogniser has gone quiet, the end of an
// ignored burst.
func (c *caller) deadline(s Settings) (time.Time, bool) {
	switch c.phase {
	case Finishing:
		return c.commitAt, true
	case Talking:
		if c.text() == "" {
			return c.lastSpeech.Add(noWordsGrace), true
		}
		// No final transcript came for what was said: the turn is taken as
		// it stands rather than left waiting for one.
		return c.lastSpeech.Add(s.UtteranceTimeout), true
	case Ignoring:
		return c.lastSpeech.Add(quietGap), true
	}
	return time.Time{}, false
}

// callerDeadline runs the caller's deadline, now due.
func (m *Machine) callerDeadline(now time.Time) {
	c := &m.caller
	switch c.phase {
	case Finishing:
		if c.wait == waitUtterance {
			m.endOfTurn(now)
		} else {
			m.commit(now)
		}
	case Talking:
		if c.text() == "" {
			m.dropTurn(now) // a noise, not a turn
			return
		}
		m.takeInterim(now)
		m.endOfTurn(now)
	case Ignoring:
		if len(c.segments) == 0 {
			c.reset()
			return
		}
		// What the caller said before the ignored speech is a turn.
		c.finishAt(now.Add(m.set.UtteranceTimeout), waitUtterance)
	}
}

// dropTurn ends a turn that says nothing to the assistant, and withdraws
// a guess at it.
func (m *Machine) dropTurn(now time.Time) {
	m.caller.reset()
	m.withdrawGuess(now)
}

// HandleSTT feeds a recognition event. Stream errors are the call shell's
// to handle (it reopens the stream), not the conversation's.
func (m *Machine) HandleSTT(now time.Time, ev voice.STTEvent) {
	switch {
	case m.assistant == Ended, m.stage == Consenting, m.stage == Opening:
		return // before consent nothing the caller says is heard
	case m.stage == Screening:
		m.screenSTT(now, ev)
		return
	case m.stage == LeavingMessage:
		m.greetingSTT(now, ev)
		return
	}
	switch e := ev.(type) {
	case *voice.SpeechStarted:
		m.speechEvidence(now)
		m.port.Publish(events.CallerSpeechStarted{})
		m.considerInterruption(now)
	case *voice.Transcript:
		m.transcript(now, e)
	case *voice.EndOfTurn:
		// The provider's end of the turn in progress; with no turn in
		// progress (a speech-final transcript just ended it) it ends nothing.
		c := &m.caller
		if c.phase == Quiet || c.phase == Ignoring {
			return
		}
		if e.Text != "" && len(c.segments) == 0 {
			c.interim = segment{} // the provider's text of the whole turn is final
			c.segments = append(c.segments, segment{text: e.Text, conf: e.Confidence, over: c.over})
		}
		m.takeInterim(now)
		m.endOfTurn(now)
	case *voice.EagerEndOfTurn:
		if m.set.Speculative {
			m.speculate(now, e.Text)
		}
	case *voice.TurnResumed:
		m.withdrawGuess(now)
	}
}

func (m *Machine) transcript(now time.Time, t *voice.Transcript) {
	c := &m.caller
	text := strings.TrimSpace(t.Text)
	if text == "" {
		if t.Final && t.SpeechFinal && c.phase != Ignoring {
			m.endOfTurn(now)
		}
		return
	}
	said := events.Transcript{Speaker: events.Caller, Text: text, Final: t.Final, Confidence: t.Confidence, Start: t.Start, End: t.End}
	rest, settled := m.settle(now, t, text)
	if settled {
		m.port.Publish(said) // the record keeps the final; the turn already has these words
		return
	}
	m.speechEvidence(now)
	m.port.Publish(said)
	if c.phase == Ignoring {
		return
	}
	words := t.Words
	if rest != text {
		words = words[min(len(words), len(normWords(text))-len(normWords(rest))):]
	}
	seg := segment{text: rest, conf: t.Confidence, words: words, over: c.over}
	if t.Final {
		c.interim = segment{}
		c.segments = append(c.segments, seg)
	} else {
		c.interim = seg
	}
	m.considerInterruption(now)
	m.callerTextChanged(now)
	m.callerWentOn(now)
	if !t.Final || c.phase != Talking {
		return
	}
	if t.SpeechFinal {
		m.endOfTurn(now)
		return
	}
	// A pause, maybe the end: commit after the utterance timeout unless
	// the caller goes on; an acknowledgement may fit in the pause.
	c.finishAt(now.Add(m.set.UtteranceTimeout), waitUtterance)
	m.acknowledgementOpportunity(now)
}

// speechEvidence records that the caller is speaking: a pending commit, an
// acknowledgement and the idle prompt wait.
func (m *Machine) speechEvidence(now time.Time) {
	c := &m.caller
	if c.lastSpeech.IsZero() || now.Sub(c.lastSpeech) >= quietGap {
		c.burstStart, c.over = now, m.overlapNow()
		if c.phase == Ignoring {
			if len(c.segments) == 0 {
				c.reset()
			} else {
				c.set(Talking)
			}
		}
	}
	switch c.phase {
	case Quiet:
		c.set(Talking)
		c.turnStart = now
	case Finishing, Holding:
		c.set(Talking)
	}
	c.lastSpeech = now
	c.commitAt = time.Time{}
	m.idle.heardCaller(now)
	m.acks.due = time.Time{}
	m.stopAcknowledgement()
	m.stopFiller()
}

// overlapNow says how speech starting now would relate to the assistant's.
func (m *Machine) overlapNow() overlap {
	r := m.reply
	if r == nil || r.track.sent == 0 || (m.assistant != Speaking && m.assistant != Paused && m.assistant != Ending) {
		return inTheClear
	}
	if left, complete := r.track.left(); complete && left <= m.set.TailProtection && asksYesNo(r.track.text.String()) {
		return overQuestionEnd
	}
	return overSpeech
}

// endOfTurn is a signal that the caller's turn may be over: the provider's
// endpoint, or our utterance timeout.
func (m *Machine) endOfTurn(now time.Time) {
	c := &m.caller
	if c.phase == Quiet || c.phase == Ignoring {
		return
	}
	text := c.turnText()
	if text == "" {
		m.dropTurn(now) // only acknowledgements of what the assistant said: no turn
		return
	}
	if m.assistant == Paused {
		c.set(Holding) // the barge-in decides what this speech was
		return
	}
	if m.set.IncompleteDetection && c.wait != waitUnfinished && looksUnfinished(text) {
		c.finishAt(now.Add(max(m.set.UtteranceTimeout, unfinishedWait)), waitUnfinished)
		return
	}
	m.commit(now)
}

// commit ends the caller's turn and starts the reply to it, when the
// assistant's side allows: a turn ended while the caller hears a reply (or
// the disclosure, which is never cut) is held until it ends; one ended in
// a barge-in's cooldown waits for it.
func (m *Machine) commit(now time.Time) {
	c := &m.caller
	switch {
	case m.assistant == Ending:
		c.reset() // the call is ending: no more turns
		return
	case m.assistant == Speaking || m.assistant == Paused || (m.reply != nil && !m.reply.interruptible()):
		c.set(Holding)
		return
	case now.Before(m.cooldownUntil):
		c.finishAt(m.cooldownUntil, waitCooldown)
		return
	}
	text := c.turnText()
	if text == "" {
		m.dropTurn(now)
		return
	}
	c.reset()
	m.acks.resetTurn()
	m.spec.due = time.Time{}
	m.port.FinalizeSTT()
	m.turns++
	turn := m.turns
	kept := m.assistant == Guessing && m.resolveGuess(now, text)
	if m.assistant == Thinking {
		m.endReply(now, superseded) // a reply nobody has heard, to an earlier turn
	}
	if !kept {
		m.handover.greet = false // the caller speaks first: the turn is answered, not greeted
		m.applyPending(now)
	}
	m.port.Publish(events.TurnCommitted{Turn: int(turn), Text: text, ConfigVersion: m.set.Version})
	m.history = append(m.history, voice.Message{Role: voice.RoleUser, Content: text})
	m.owedCommitted(turn)
	switch phrase := m.endCallPhrase(text); {
	case phrase != "":
		if kept {
			m.endReply(now, withdrawn)
		}
		m.port.Publish(events.CallerEndPhrase{Phrase: phrase})
		m.End(now, events.EndCallerPhrase, m.set.EndCallMessage)
		return
	case m.stage == Awaiting:
		m.greetCaller(now) // the welcome answers the caller's first words
		return
	case kept:
		m.keepGuess(now, turn)
	default:
		m.startReply(now, turn, SourceLLM, "", "")
	}
	if r := m.reply; r != nil && m.assistant == Thinking {
		m.planFiller(now, r, text)
	}
}

// endCallPhrase returns the end-call phrase the caller said, if any.
func (m *Machine) endCallPhrase(text string) string {
	said := " " + strings.Join(normWords(text), " ") + " "
	for _, p := range m.set.EndCallPhrases {
		if w := normWords(p); len(w) > 0 && strings.Contains(said, " "+strings.Join(w, " ")+" ") {
			return p
		}
	}
	return ""
}

// CallerDTMF feeds touch-tone digits the caller pressed: they interrupt the
// assistant and become a turn once the caller stops pressing.
func (m *Machine) CallerDTMF(now time.Time, digits string) {
	if m.assistant == Ended || digits == "" {
		return
	}
	m.port.Publish(events.DTMF{Digits: digits})
	switch {
	case m.assistant == Ending:
		return // the call's last words: keys change nothing
	case m.stage == Consenting:
		m.consentKeys(now, digits)
		return
	case m.stage == Screening:
		m.answeredBy(now, AnsweredByHuman, signalKeypad)
		return
	case m.stage == LeavingMessage:
		return
	case m.reply != nil && m.reply.keypad != nil:
		m.keypadKeys(now, m.reply, digits)
		return
	}
	m.speechEvidence(now)
	c := &m.caller
	if c.phase == Ignoring {
		c.set(Talking) // keys are never noise
	}
	if (m.assistant == Speaking || m.assistant == Paused) && m.reply.interruptible() && m.set.AllowInterruptions {
		m.confirm(now, "keypad")
	}
	if n := len(c.segments); n > 0 && strings.HasPrefix(c.segments[n-1].text, dtmfPrefix) {
		c.segments[n-1].text = strings.TrimSuffix(c.segments[n-1].text, "]") + digits + "]"
	} else {
		c.segments = append(c.segments, segment{text: dtmfPrefix + digits + "]", conf: 1})
	}
	if c.phase == Talking || c.phase == Finishing {
		c.finishAt(now.Add(dtmfWait), waitKeypad)
	}
}

const dtmfPrefix = "[keypad: "
