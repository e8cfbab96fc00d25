package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// speculation starts the reply on an interim transcript once it has enough
// words and has stopped changing, so the model is already answering when
// the final transcript confirms what was said.
type speculation struct {
	due  time.Time
	text string
}

// callerTextChanged re-arms the speculation debounce, and drops a
// speculative reply the caller's words have moved away from.
func (m *Machine) callerTextChanged(now time.Time) {
	if !m.set.Speculative {
		return
	}
	text := m.caller.text()
	if r := m.reply; r != nil && r.speculative && similarity(r.specText, text) < m.set.SpeculativeMatch {
		m.cancelSpeculation(now)
	}
	if m.reply != nil || len(normWords(text)) < m.set.SpeculativeMinWords {
		m.spec.due = time.Time{}
		return
	}
	m.spec.due, m.spec.text = now.Add(m.set.SpeculativeDebounce), text
}

// speculate starts a reply on text before the caller's turn is final.
func (m *Machine) speculate(now time.Time, text string) {
	if m.reply != nil || m.ending != nil || text == "" {
		return
	}
	m.applyPending()
	m.startLLMReply(now, m.turns+1, time.Time{}, true, text)
}

// cancelSpeculation drops a speculative reply.
func (m *Machine) cancelSpeculation(now time.Time) {
	r := m.reply
	if r == nil || !r.speculative {
		return
	}
	m.cancelReply(now)
	m.port.Publish(events.Speculation{Turn: r.turn, Hit: false, Similarity: similarity(r.specText, m.caller.text())})
	m.port.Publish(events.ReplyFinished{Turn: r.turn, Interrupted: true})
}

// resolveSpeculation decides, at the final transcript, whether the
// speculative reply answers what the caller actually said: kept if the
// texts are similar enough, else replaced by a reply to the final text.
func (m *Machine) resolveSpeculation(now time.Time, r *reply, turn int, final string) {
	sim := similarity(r.specText, final)
	m.port.Publish(events.Speculation{Turn: r.turn, Hit: sim >= m.set.SpeculativeMatch, Similarity: sim})
	if sim < m.set.SpeculativeMatch {
		m.cancelReply(now)
		m.port.Publish(events.ReplyFinished{Turn: r.turn, Interrupted: true})
		m.history = append(m.history, voice.Message{Role: voice.RoleUser, Content: final})
		m.startLLMReply(now, turn, now, false, "")
		return
	}
	// Kept: the reply becomes this turn's.
	m.turns = max(m.turns, r.turn)
	r.speculative = false
	r.endOfTurn = now
	m.history = append(m.history, voice.Message{Role: voice.RoleUser, Content: final})
	r.msgStart = len(m.history)
	m.history = append(m.history, r.pending...)
	r.pending = nil
	if r.hold {
		r.hold = false
		for _, c := range r.held {
			m.emitChunk(now, r, c)
		}
		r.held = nil
		if r.endHeld {
			m.port.EndSpeech(r.turn)
		}
	}
	if r.toolsWait {
		r.toolsWait = false
		m.runTools(now, r)
	}
	m.checkFinished(now)
}
