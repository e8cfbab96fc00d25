package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// speculation starts a reply on an interim transcript once it has enough
// words and has stopped changing, so the model is already answering when
// the caller's turn ends. The guess is never heard before then: its text
// waits for the turn's end (or, with speculative_stream_to_tts, is
// synthesised at once and its audio waits).
type speculation struct {
	due  time.Time
	text string
}

// callerTextChanged re-arms the speculation debounce, and withdraws a
// guess the caller's words have moved away from.
func (m *Machine) callerTextChanged(now time.Time) {
	if !m.set.Speculative || m.stage != Conversing {
		return
	}
	text := m.caller.turnText()
	if m.assistant == Guessing && similarity(m.reply.specText, text) < m.set.SpeculativeMatch {
		m.withdrawGuess(now)
	}
	if !m.floorFree() || len(normWords(text)) < m.set.SpeculativeMinWords {
		m.spec.due = time.Time{}
		return
	}
	m.spec.due, m.spec.text = now.Add(m.set.SpeculativeDebounce), text
}

// floorFree reports whether the assistant has no reply in progress.
func (m *Machine) floorFree() bool { return m.assistant == Silent || m.assistant == Acknowledging }

// speculate starts a guess on text before the caller's turn is over.
func (m *Machine) speculate(now time.Time, text string) {
	if c := m.caller.phase; !m.floorFree() || text == "" || (c != Talking && c != Finishing) || m.stage != Conversing {
		return
	}
	m.applyPending(now)
	m.startReply(now, m.turns+1, SourceLLM, text, "")
}

// withdrawGuess drops a guess.
func (m *Machine) withdrawGuess(now time.Time) {
	if m.assistant != Guessing {
		return
	}
	r := m.reply
	m.port.Publish(events.Speculation{Turn: int(r.turn), Hit: false, Similarity: similarity(r.specText, m.caller.turnText())})
	m.endReply(now, withdrawn)
}

// resolveGuess decides, as the caller's turn ends with text, whether the
// guess answers it: kept if the texts are similar enough, else withdrawn.
func (m *Machine) resolveGuess(now time.Time, text string) bool {
	r := m.reply
	sim := similarity(r.specText, text)
	hit := sim >= m.set.SpeculativeMatch
	m.port.Publish(events.Speculation{Turn: int(r.turn), Hit: hit, Similarity: sim})
	if !hit {
		m.endReply(now, superseded)
	}
	return hit
}

// keepGuess makes the guess the reply to turn, whose text the history now
// ends with: its messages join the history, its held text goes to
// synthesis, its held tools run, and its audio may play.
func (m *Machine) keepGuess(now time.Time, turn TurnNumber) {
	r := m.reply
	r.turn, r.endOfTurn = turn, now
	r.msgStart = len(m.history)
	m.history = append(m.history, r.pending...)
	r.pending = nil
	m.setAssistant(Thinking)
	held := r.held
	r.held = nil
	for _, c := range held {
		m.emitChunk(now, r, c)
	}
	if r.writing == toolsHeld {
		m.runTools(now, r)
		return
	}
	m.endSpeech(r)
	m.checkFinished(now)
}
