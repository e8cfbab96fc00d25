package turn

import (
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// ackPause is how long the caller must pause before an acknowledgement is
// played into the pause.
const ackPause = 350 * time.Millisecond

// ackLines rotate so acknowledgements do not sound canned.
var ackLines = []string{"Mm-hmm.", "I see.", "Right.", "Okay.", "Uh-huh."}

// ackPlan schedules the assistant's acknowledgements (backchannel_settings)
// during long caller turns: only into pauses, stopped the moment the caller
// goes on, and never part of the conversation history.
type ackPlan struct {
	due       time.Time // request one then if the caller is still pausing
	asked     time.Time // when the last one was requested
	lastAt    time.Time // when the last one was requested, this turn
	spoke     int       // acknowledgements requested
	requested string    // the phrase awaiting its audio
}

func (p *ackPlan) resetTurn() { p.due, p.lastAt, p.requested = time.Time{}, time.Time{}, "" }

// acknowledgementOpportunity notes a pause in a long caller turn.
func (m *Machine) acknowledgementOpportunity(now time.Time) {
	every := m.set.BackchannelInterval
	c := &m.caller
	if every == 0 || m.assistant != Silent || m.stage != Conversing || now.Sub(c.turnStart) < every {
		return
	}
	if !m.acks.lastAt.IsZero() && now.Sub(m.acks.lastAt) < every {
		return
	}
	m.acks.due = now.Add(ackPause)
}

// requestAcknowledgement asks for an acknowledgement's audio.
func (m *Machine) requestAcknowledgement(now time.Time) {
	if m.assistant != Silent || m.caller.phase != Finishing || now.Sub(m.caller.lastSpeech) < ackPause {
		return
	}
	phrase := ackLines[m.acks.spoke%len(ackLines)]
	m.acks.spoke++
	m.acks.asked, m.acks.lastAt, m.acks.requested = now, now, phrase
	m.port.ShortPhrase(phrase)
}

// ShortPhraseAudio plays a requested acknowledgement or filler, unless the
// moment has passed.
func (m *Machine) ShortPhraseAudio(now time.Time, phrase string, audio []byte) {
	if m.assistant == Ended || m.fillerAudio(now, phrase, audio) {
		return
	}
	if m.assistant != Silent || phrase != m.acks.requested || m.caller.lastSpeech.After(m.acks.asked) {
		return
	}
	m.acks.requested = ""
	t := newTrack("b"+strconv.Itoa(m.acks.spoke), m.fmt)
	t.add(audio, nil)
	t.done = true
	m.ack = t
	m.setAssistant(Acknowledging)
	m.port.Publish(events.Backchannel{Phrase: phrase})
}

// endAckIfPlayed frees the floor once the acknowledgement has been heard.
func (m *Machine) endAckIfPlayed(now time.Time) {
	if m.ack.playedOut(now) {
		m.ack = nil
		m.setAssistant(Silent)
	}
}

// stopAcknowledgement silences an acknowledgement: the caller speaks, or
// a reply begins.
func (m *Machine) stopAcknowledgement() {
	m.acks.requested = ""
	if m.assistant != Acknowledging {
		return
	}
	if t := m.ack; t.sent > 0 {
		t.cleared = true
		m.port.ClearAudio()
	}
	m.ack = nil
	m.setAssistant(Silent)
}
