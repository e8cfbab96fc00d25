// Package turn is the conversation engine of one call: a deterministic
// state machine that decides, event by event, who speaks. It is fed with
// recognition, model and synthesis events, carrier marks and the time; it
// acts through a Port. It does no I/O, starts no goroutine and reads no
// clock, so every behaviour is tested by feeding events at virtual times.
//
// The call actor owns one Machine and serialises everything that reaches it.
package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Machine is one call's conversation.
type Machine struct {
	port Port
	fmt  voice.Format
	set  Settings
	next *Settings // a configuration change waiting for a turn boundary

	start   time.Time
	history []voice.Message // system prompt first
	turns   int             // the last turn number used
	replies int             // the last reply id used

	caller caller
	reply  *reply
	play   *track // what the caller hears now: the reply's track or an acknowledgement
	intr   *interruption
	bc     backchannels
	spec   speculation
	idle   idleState
	ending *ending
	ended  bool

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
		text := strings.TrimSpace(disclosure + " " + m.set.Welcome)
		m.speakStatic(now, "disclosure", text, afterNone, "")
		m.reply.protected = true
	case m.set.Welcome != "":
		m.speakStatic(now, "welcome", m.set.Welcome, afterNone, "")
	}
}

// Ended reports whether the machine has ended the call (or seen it end).
func (m *Machine) Ended() bool { return m.ended }

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

// ChangeConfig records a new configuration; it takes effect at the next
// turn boundary, never in the middle of an utterance.
func (m *Machine) ChangeConfig(s Settings) { m.next = &s }

// applyPending switches to a waiting configuration (at a turn boundary).
func (m *Machine) applyPending() {
	if m.next == nil {
		return
	}
	m.set, m.next = *m.next, nil
	m.history[0].Content = m.set.SystemPrompt
	m.port.Publish(events.ConfigApplied{Version: m.set.Version})
}

// NextDeadline is when Advance must next be called, if ever.
func (m *Machine) NextDeadline() (time.Time, bool) {
	if m.ended {
		return time.Time{}, false
	}
	var d deadline
	if m.play != nil {
		if m.play.playing && !m.play.paused && !m.play.starved {
			d.consider(m.play.nextAt)
		}
		if m.play.finished() && m.play.heard < m.play.sent && !m.play.lastFrameAt.IsZero() {
			d.consider(m.play.playoutDeadline())
		}
	}
	if m.intr != nil {
		d.consider(m.intr.checkAt(&m.caller))
	}
	d.consider(m.caller.commitAt)
	d.consider(m.bc.due)
	d.consider(m.spec.due)
	d.consider(m.idleDeadline())
	d.consider(m.maxLengthDeadline())
	if m.ending != nil {
		d.consider(m.ending.force)
	}
	return d.at, d.set
}

// Advance runs whatever is due at now.
func (m *Machine) Advance(now time.Time) {
	if m.ended {
		return
	}
	m.pump(now)
	if m.intr != nil && !now.Before(m.intr.checkAt(&m.caller)) {
		m.recover(now, "no confirmation")
	}
	if !m.caller.commitAt.IsZero() && !now.Before(m.caller.commitAt) {
		m.caller.commitAt = time.Time{}
		m.endOfTurn(now, true)
	}
	if !m.spec.due.IsZero() && !now.Before(m.spec.due) {
		m.spec.due = time.Time{}
		m.speculate(now, m.spec.text)
	}
	if !m.bc.due.IsZero() && !now.Before(m.bc.due) {
		m.bc.due = time.Time{}
		m.requestBackchannel(now)
	}
	if at := m.idleDeadline(); !at.IsZero() && !now.Before(at) {
		m.idleTimeout(now)
	}
	if at := m.maxLengthDeadline(); !at.IsZero() && !now.Before(at) {
		m.End(now, events.EndMaxDuration, m.set.EndCallMessage)
	}
	if m.ending != nil && !now.Before(m.ending.force) {
		m.hangUp(m.ending.reason)
	}
}

// deadline tracks the earliest of several times.
type deadline struct {
	at  time.Time
	set bool
}

func (d *deadline) consider(t time.Time) {
	if !t.IsZero() && (!d.set || t.Before(d.at)) {
		d.at, d.set = t, true
	}
}

// offset is a time as an offset from the start of the call.
func (m *Machine) offset(t time.Time) time.Duration { return t.Sub(m.start) }
