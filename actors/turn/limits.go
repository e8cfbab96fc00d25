package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// goodbyeLimit bounds how long a goodbye may take before the call is hung
// up regardless (a stuck synthesis must not keep a line open).
const goodbyeLimit = 20 * time.Second

// idleState counts prompts to a silent caller; the count is per call, not
// per silence (as Burki does).
type idleState struct {
	lastActivity time.Time
	prompts      int
}

// ending is a call being ended: a goodbye is playing, then the hang-up.
type ending struct {
	reason string
	force  time.Time
}

// idleDeadline is when the caller's silence calls for a prompt.
func (m *Machine) idleDeadline() time.Time {
	if m.set.IdleTimeout == 0 || m.reply != nil || m.caller.speaking || m.ending != nil || m.ended {
		return time.Time{}
	}
	return m.idle.lastActivity.Add(m.set.IdleTimeout)
}

func (m *Machine) idleTimeout(now time.Time) {
	if m.idle.prompts >= m.set.MaxIdleMessages {
		m.End(now, events.EndIdle, m.set.EndCallMessage)
		return
	}
	m.idle.prompts++
	m.idle.lastActivity = now
	m.port.Publish(events.IdlePrompt{Count: m.idle.prompts})
	text := m.set.IdleMessage
	if text == "" {
		text = "Are you still there?"
	}
	m.speakStatic(now, "idle", text, afterNone, "")
}

// maxLengthDeadline is when max_call_length ends the call.
func (m *Machine) maxLengthDeadline() time.Time {
	if m.set.MaxCallLength == 0 || m.ending != nil || m.ended {
		return time.Time{}
	}
	return m.start.Add(m.set.MaxCallLength)
}

// End ends the call for reason: whatever the assistant is saying stops,
// the goodbye (if any) is spoken, then the call is hung up.
func (m *Machine) End(now time.Time, reason, goodbye string) {
	if m.ending != nil || m.ended {
		return
	}
	if m.intr != nil {
		m.intr = nil
	}
	if m.reply != nil {
		r := m.reply
		heard := r.track.heardText()
		m.cancelReply(now)
		m.truncateHistory(r, heard)
		m.port.Publish(events.ReplyFinished{Turn: r.turn, Heard: heard, Interrupted: true})
	}
	m.stopBackchannel()
	m.ending = &ending{reason: reason, force: now.Add(goodbyeLimit)}
	if goodbye == "" {
		m.hangUp(reason)
		return
	}
	m.speakStatic(now, "goodbye", goodbye, afterHangUp, reason)
}

// hangUp ends the call now.
func (m *Machine) hangUp(reason string) {
	if m.ended {
		return
	}
	if m.reply != nil {
		m.cancelReply(time.Time{})
	}
	m.ended = true
	m.publishHistory()
	m.port.HangUp(reason)
}

// CarrierGone reports that the caller hung up (or the carrier ended the
// call): everything in flight stops.
func (m *Machine) CarrierGone(now time.Time) {
	if m.ended {
		return
	}
	if m.reply != nil {
		r := m.reply
		if r.llm {
			m.port.CancelLLM(r.id)
		}
		m.port.CancelSpeech(r.id)
		m.reply = nil
	}
	m.play = nil
	m.ended = true
	m.publishHistory()
}
