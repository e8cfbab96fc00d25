package turn

import (
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// backchannelPause is how long the caller must pause before an
// acknowledgement is played into the pause.
const backchannelPause = 350 * time.Millisecond

// backchannelPhrases rotate so acknowledgements do not sound canned.
var backchannelPhrases = []string{"Mm-hmm.", "I see.", "Right.", "Okay.", "Uh-huh."}

// backchannels are short acknowledgements played while the caller speaks
// at length: only into pauses, stopped the moment the caller goes on, and
// never part of the conversation history.
type backchannels struct {
	due       time.Time // play then if the caller is still pausing
	asked     time.Time // when the last one was requested
	lastAt    time.Time // when the last one was played, this turn
	spoke     int       // acknowledgements played
	requested string    // the phrase awaiting its audio
}

func (b *backchannels) resetTurn() { b.due, b.lastAt, b.requested = time.Time{}, time.Time{}, "" }

// backchannelOpportunity notes a pause in a long caller turn.
func (m *Machine) backchannelOpportunity(now time.Time) {
	every := m.set.BackchannelInterval
	c := &m.caller
	if every == 0 || m.reply != nil || m.play != nil || !c.speaking || now.Sub(c.turnStart) < every {
		return
	}
	if !m.bc.lastAt.IsZero() && now.Sub(m.bc.lastAt) < every {
		return
	}
	m.bc.due = now.Add(backchannelPause)
}

// requestBackchannel asks for an acknowledgement's audio.
func (m *Machine) requestBackchannel(now time.Time) {
	if m.reply != nil || m.play != nil || now.Sub(m.caller.lastSpeech) < backchannelPause {
		return
	}
	phrase := backchannelPhrases[m.bc.spoke%len(backchannelPhrases)]
	m.bc.spoke++
	m.bc.asked, m.bc.lastAt, m.bc.requested = now, now, phrase
	m.port.Backchannel(phrase)
}

// BackchannelAudio plays a requested acknowledgement, unless the moment
// has passed: the caller spoke again or a reply began.
func (m *Machine) BackchannelAudio(now time.Time, phrase string, audio []byte) {
	if m.ended || phrase != m.bc.requested || m.reply != nil || m.play != nil || m.caller.lastSpeech.After(m.bc.asked) {
		return
	}
	m.bc.requested = ""
	t := newTrack("b"+strconv.Itoa(m.bc.spoke), m.fmt)
	t.add(audio, nil)
	t.done = true
	m.play = t
	t.start(now)
	m.port.Publish(events.Backchannel{Phrase: phrase})
	m.pump(now)
}

// stopBackchannel silences an acknowledgement when the caller speaks.
func (m *Machine) stopBackchannel() {
	m.bc.requested = ""
	if t := m.play; t != nil && t != m.replyTrack() {
		if t.sent > 0 {
			t.cleared = true
			m.port.ClearAudio()
		}
		m.play = nil
	}
}
