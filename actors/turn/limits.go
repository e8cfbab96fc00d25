package turn

import "time"

// goodbyeLimit bounds how long a call's last words may take before the
// call is hung up regardless (a stuck synthesis must not keep a line open).
const goodbyeLimit = 20 * time.Second

// ending is why and how the call ends, once the assistant is Ending.
type ending struct {
	reason     string
	transferTo string    // transfer the caller instead of hanging up
	force      time.Time // hang up by then, said or not
}

// beginEnding makes what the assistant is saying the call's last words.
func (m *Machine) beginEnding(now time.Time, e ending) {
	e.force = now.Add(goodbyeLimit)
	m.ending = e
	m.setAssistant(Ending)
	m.caller.reset() // no turn of the caller's is answered any more
}

// finishEnding ends the call once its last words are heard.
func (m *Machine) finishEnding(now time.Time) {
	if m.ending.transferTo == "" {
		m.hangUp(now)
		return
	}
	m.setEnded()
	m.port.Transfer(m.ending.transferTo)
}

// maxLengthDeadline is when max_call_length ends the call.
func (m *Machine) maxLengthDeadline() time.Time {
	if m.set.MaxCallLength == 0 || m.assistant == Ending || m.assistant == Ended {
		return time.Time{}
	}
	return m.start.Add(m.set.MaxCallLength)
}

// End ends the call for reason: whatever the assistant is saying stops, the
// goodbye (if any) is spoken, then the call is hung up. A call already
// saying its last words goes on with them, unless this end has no goodbye:
// then they are cut and the call is hung up at once (a drain out of time).
func (m *Machine) End(now time.Time, reason, goodbye string) {
	m.EndWithin(now, reason, goodbye, goodbyeLimit)
}

// EndWithin is End with the call hung up within the given time (at most
// goodbyeLimit), its last words cut if they take longer: a drain's goodbye
// must fit its margin.
func (m *Machine) EndWithin(now time.Time, reason, goodbye string, within time.Duration) {
	force := now.Add(min(within, goodbyeLimit))
	switch m.assistant {
	case Ended:
		return
	case Ending:
		if goodbye == "" {
			m.hangUp(now)
			return
		}
		m.ending.force = minTime(m.ending.force, force)
		return
	}
	if m.reply != nil {
		m.endReply(now, cut)
	}
	m.stopAcknowledgement()
	if goodbye == "" {
		m.ending = ending{reason: reason}
		m.hangUp(now)
		return
	}
	m.speakStatic(now, SourceGoodbye, goodbye)
	m.ending = ending{reason: reason, force: force}
	m.caller.reset() // no turn of the caller's is answered any more
}

// hangUp ends the call now, cutting whatever is being said.
func (m *Machine) hangUp(now time.Time) {
	if m.reply != nil {
		m.endReply(now, cut)
	}
	m.stopAcknowledgement()
	m.setEnded()
	m.publishHistory()
	m.port.HangUp(m.ending.reason)
}

// CarrierGone reports that the caller hung up (or the carrier ended the
// call): everything in flight stops.
func (m *Machine) CarrierGone(now time.Time) {
	if m.assistant == Ended {
		return
	}
	if m.reply != nil {
		m.endReply(now, cut)
	}
	m.stopAcknowledgement()
	m.setEnded()
	m.publishHistory()
}

// setEnded makes the call Ended: no turn of the caller's is taken any more.
func (m *Machine) setEnded() {
	m.setAssistant(Ended)
	m.caller.reset()
}
