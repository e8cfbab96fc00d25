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

// caller is the turn the caller is taking.
type caller struct {
	segments   []segment // finalised speech of the turn in progress
	interim    segment   // the current hypothesis after the last final
	speaking   bool      // heard since the last commit
	turnStart  time.Time
	lastSpeech time.Time // the last evidence of speech
	commitAt   time.Time // when the turn will be committed unless speech resumes
	waitedLong bool      // commitAt was extended because the turn looked unfinished
	ready      bool      // the turn ended while the assistant was finishing; commit after
	endSeen    bool      // the turn ended while a barge-in was being decided

	// A burst is speech without a pause of quietGap. One judged not to be
	// a turn (a recovered barge-in) is ignored to its end.
	burstStart   time.Time
	burstIgnored bool
}

// segment is one transcript of caller speech.
type segment struct {
	text  string
	conf  float64
	words []voice.Word
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

func (c *caller) reset() {
	*c = caller{lastSpeech: c.lastSpeech, burstStart: c.burstStart, burstIgnored: c.burstIgnored}
}

// HandleSTT feeds a recognition event.
func (m *Machine) HandleSTT(now time.Time, ev voice.STTEvent) {
	if m.ended {
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
		if e.Text != "" && len(m.caller.segments) == 0 && m.caller.interim.text == "" {
			m.caller.segments = append(m.caller.segments, segment{text: e.Text, conf: e.Confidence})
		}
		m.caller.interim = segment{}
		m.endOfTurn(now, false)
	case *voice.EagerEndOfTurn:
		if m.set.Speculative && m.reply == nil {
			m.speculate(now, e.Text)
		}
	case *voice.TurnResumed:
		m.cancelSpeculation(now)
	case *voice.STTError:
		// The call goes on: a dead stream is reopened by the call's shell.
		m.port.Publish(events.ProviderError{Service: "stt", Error: e.Err.Error(), Recovered: true})
	}
}

func (m *Machine) transcript(now time.Time, t *voice.Transcript) {
	text := strings.TrimSpace(t.Text)
	if text == "" {
		if t.Final && t.SpeechFinal {
			m.endOfTurn(now, false)
		}
		return
	}
	m.speechEvidence(now)
	if m.caller.burstIgnored {
		m.port.Publish(events.Transcript{Speaker: events.Caller, Text: text, Final: t.Final, Confidence: t.Confidence,
			Start: t.Start, End: t.End})
		return
	}
	seg := segment{text: text, conf: t.Confidence, words: t.Words}
	if !t.Final {
		m.caller.interim = seg
		m.port.Publish(events.Transcript{Speaker: events.Caller, Text: text, Confidence: t.Confidence,
			Start: t.Start, End: t.End})
		m.considerInterruption(now)
		m.callerTextChanged(now)
		m.callerContinued(now)
		return
	}
	m.caller.interim = segment{}
	m.caller.segments = append(m.caller.segments, seg)
	m.port.Publish(events.Transcript{Speaker: events.Caller, Text: text, Final: true, Confidence: t.Confidence,
		Start: t.Start, End: t.End})
	m.considerInterruption(now)
	m.callerTextChanged(now)
	m.callerContinued(now)
	if t.SpeechFinal {
		m.endOfTurn(now, false)
		return
	}
	// A pause, maybe the end: commit after the utterance timeout unless
	// the caller goes on; a backchannel may fit in the pause.
	m.caller.commitAt = now.Add(m.set.UtteranceTimeout)
	m.backchannelOpportunity(now)
}

// speechEvidence records that the caller is speaking: pending commits,
// acknowledgements and idle prompts wait.
func (m *Machine) speechEvidence(now time.Time) {
	c := &m.caller
	if c.lastSpeech.IsZero() || now.Sub(c.lastSpeech) >= quietGap {
		c.burstStart, c.burstIgnored = now, false
	}
	if !c.speaking && !c.burstIgnored {
		c.speaking, c.turnStart = true, now
	}
	c.lastSpeech = now
	c.commitAt = time.Time{}
	c.waitedLong = false
	m.idle.lastActivity = now
	m.bc.due = time.Time{}
	m.stopBackchannel()
}

// endOfTurn is a signal that the caller's turn may be over: the provider's
// endpoint (timeout false) or our utterance timeout (true).
func (m *Machine) endOfTurn(now time.Time, timeout bool) {
	c := &m.caller
	text := c.text()
	if strings.TrimSpace(text) == "" {
		return
	}
	if m.intr != nil {
		c.endSeen = true // the barge-in decides what this speech was
		return
	}
	if m.set.IncompleteDetection && !c.waitedLong && looksUnfinished(text) {
		c.waitedLong = true
		c.commitAt = now.Add(max(m.set.UtteranceTimeout, unfinishedWait))
		return
	}
	c.commitAt = time.Time{}
	m.commit(now)
}

// commit ends the caller's turn and starts the reply to it.
func (m *Machine) commit(now time.Time) {
	c := &m.caller
	if m.reply != nil && !m.reply.speculative && m.reply.audible() {
		c.ready = true // let the assistant finish its (tail-protected) reply first
		return
	}
	if now.Before(m.cooldownUntil) {
		c.commitAt = m.cooldownUntil // the barge-in cooldown gathers more speech first
		return
	}
	text := c.text()
	c.reset()
	m.bc.resetTurn()
	m.spec.due = time.Time{}
	m.port.FinalizeSTT()
	m.applyPending()
	m.turns++
	turn := m.turns
	m.port.Publish(events.TurnCommitted{Turn: turn, Text: text, ConfigVersion: m.set.Version})
	if r := m.reply; r != nil && r.speculative {
		m.resolveSpeculation(now, r, turn, text)
		return
	}
	m.history = append(m.history, voice.Message{Role: voice.RoleUser, Content: text})
	m.startLLMReply(now, turn, now, false, "")
}

// CallerDTMF feeds touch-tone digits the caller pressed: they interrupt the
// assistant and become a turn once the caller stops pressing.
func (m *Machine) CallerDTMF(now time.Time, digits string) {
	if m.ended || digits == "" {
		return
	}
	m.port.Publish(events.DTMF{Digits: digits})
	m.speechEvidence(now)
	if r := m.reply; r != nil && r.audible() && !r.speculative && m.ending == nil && r.after == afterNone {
		m.confirm(now, "keypad")
	}
	c := &m.caller
	if n := len(c.segments); n > 0 && strings.HasPrefix(c.segments[n-1].text, dtmfPrefix) {
		c.segments[n-1].text = strings.TrimSuffix(c.segments[n-1].text, "]") + digits + "]"
	} else {
		c.segments = append(c.segments, segment{text: dtmfPrefix + digits + "]", conf: 1})
	}
	c.commitAt = now.Add(dtmfWait)
}

const dtmfPrefix = "[keypad: "
