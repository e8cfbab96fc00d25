package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Machine is one call's conversation.
type Machine struct {
	port    Port
	fmt     voice.Format
	set     Settings
	pending *Settings // a newer configuration, waiting for a turn boundary

	start   time.Time
	history []voice.Message // system prompt first
	turns   TurnNumber      // the last turn number used
	replies ReplyID         // the last reply id used

	assistant Assistant
	reply     *reply       // from Guessing to Ending: the reply in progress
	ack       *track       // Acknowledging: the acknowledgement playing
	intr      interruption // Paused: the caller speech being judged
	ending    ending       // Ending: why the call ends, and how
	caller    caller

	acks          ackPlan
	spec          speculation
	idle          idleState
	cooldownUntil time.Time // after a barge-in the next reply waits until then
}

// New returns a machine for a call that started at now, with audio in the
// carrier's format.
func New(port Port, s Settings, f voice.Format, now time.Time) *Machine {
	m := &Machine{port: port, fmt: f, set: s, start: now}
	m.history = []voice.Message{{Role: voice.RoleSystem, Content: s.SystemPrompt}}
	m.idle.lastActivity = now
	return m
}

// Start begins the conversation: the welcome message, if any.
func (m *Machine) Start(now time.Time, disclosure string) {
	switch {
	case disclosure != "":
		// The law asks that the caller hear it: it cannot be interrupted,
		// and the welcome follows it in the same breath.
		m.speakStatic(now, SourceDisclosure, strings.TrimSpace(disclosure+" "+m.set.Welcome))
	case m.set.Welcome != "":
		m.speakStatic(now, SourceWelcome, m.set.Welcome)
	}
}

// Phases reports where both sides of the conversation stand.
func (m *Machine) Phases() (Assistant, Caller) { return m.assistant, m.caller.phase }

// Ended reports whether the machine has ended the call (or seen it end).
func (m *Machine) Ended() bool { return m.assistant == Ended }

// History returns the conversation so far (for continuity across calls).
func (m *Machine) History() []voice.Message { return m.history }

// Seed continues an earlier conversation with the same caller: its
// messages (without its system prompt) follow the system prompt.
func (m *Machine) Seed(earlier []voice.Message) {
	for _, msg := range earlier {
		if msg.Role != voice.RoleSystem {
			m.history = append(m.history, msg)
		}
	}
}

// ChangeConfig hands the machine a newer configuration. It applies at the
// next turn boundary, never in the middle of an utterance; the machine
// keeps the newest one waiting, and ignores any older than what it has.
func (m *Machine) ChangeConfig(s Settings) {
	if s.Version <= m.set.Version || (m.pending != nil && s.Version <= m.pending.Version) {
		return
	}
	m.pending = &s
}

// applyPending switches to a waiting configuration, at a turn boundary.
func (m *Machine) applyPending() {
	if m.pending == nil {
		return
	}
	m.set, m.pending = *m.pending, nil
	m.history[0].Content = m.set.SystemPrompt
	m.port.ApplyConfig(m.set)
	m.port.Publish(events.ConfigApplied{Version: m.set.Version})
}

// atBoundary runs when a reply has ended and the floor is free: a waiting
// configuration applies, and a caller turn held for the reply is taken.
func (m *Machine) atBoundary(now time.Time) {
	m.applyPending()
	if m.caller.phase == Holding {
		m.commit(now)
	}
}

// NextDeadline is when Advance must next be called, if ever.
func (m *Machine) NextDeadline() (time.Time, bool) {
	if m.assistant == Ended {
		return time.Time{}, false
	}
	var d deadline
	if t := m.playing(); t != nil {
		d.consider(t.playoutDeadline())
	}
	if m.assistant == Paused {
		d.at(m.intr.checkAt(&m.caller))
	}
	d.consider(m.caller.deadline(m.set))
	d.at(m.acks.due)
	d.at(m.spec.due)
	d.at(m.idleDeadline())
	d.at(m.maxLengthDeadline())
	if m.assistant == Ending {
		d.at(m.ending.force)
	}
	return d.when, d.set
}

// Advance runs whatever is due at now.
func (m *Machine) Advance(now time.Time) {
	if m.assistant == Ended {
		return
	}
	if m.assistant == Acknowledging {
		m.endAckIfPlayed(now)
	}
	m.checkFinished(now)
	if m.assistant == Paused && !now.Before(m.intr.checkAt(&m.caller)) {
		m.recover(now, "no confirmation")
	}
	if at, ok := m.caller.deadline(m.set); ok && !now.Before(at) {
		m.callerDeadline(now)
	}
	if due(m.spec.due, now) {
		m.spec.due = time.Time{}
		m.speculate(now, m.spec.text)
	}
	if due(m.acks.due, now) {
		m.acks.due = time.Time{}
		m.requestAcknowledgement(now)
	}
	if due(m.idleDeadline(), now) {
		m.idleTimeout(now)
	}
	if due(m.maxLengthDeadline(), now) {
		m.End(now, events.EndMaxDuration, m.set.EndCallMessage)
	}
	if m.assistant == Ending && !now.Before(m.ending.force) {
		m.hangUp(now)
	}
}

func due(at, now time.Time) bool { return !at.IsZero() && !now.Before(at) }

// deadline tracks the earliest of several times.
type deadline struct {
	when time.Time
	set  bool
}

func (d *deadline) at(t time.Time) { d.consider(t, !t.IsZero()) }

func (d *deadline) consider(t time.Time, ok bool) {
	if ok && (!d.set || t.Before(d.when)) {
		d.when, d.set = t, true
	}
}

// offset is a time as an offset from the start of the call.
func (m *Machine) offset(t time.Time) time.Duration { return t.Sub(m.start) }
