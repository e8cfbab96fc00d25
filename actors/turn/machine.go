package turn

import (
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
	// voiceRate is the speech rate of the last reply synthesised in full:
	// where the synthesiser gives no word timings, it places the words of
	// a reply whose synthesis fails better than a typical rate would.
	voiceRate float64

	start   time.Time
	history []voice.Message // system prompt first
	turns   TurnNumber      // the last turn number used
	replies ReplyID         // the last reply id used

	stage     Stage
	assistant Assistant
	reply     *reply       // from Guessing to Ending: the reply in progress
	ack       *track       // Acknowledging: the acknowledgement playing
	intr      interruption // Paused: the caller speech being judged
	ending    ending       // Ending: why the call ends, and how
	caller    caller
	owed      *owedFinal // the recogniser's final for speech a turn took as an interim

	outbound   bool
	disclosure string
	screen     screen   // Screening, LeavingMessage
	consent    consent  // Consenting
	handover   handover // to another assistant, under way
	acks       ackPlan
	fill       fillers
	spec       speculation
	idle       silenceLadder

	cooldownUntil time.Time // after a barge-in the next reply waits until then
}

// New returns a machine for a call that started at now, with audio in the
// carrier's format.
func New(port Port, s Settings, f voice.Format, now time.Time) *Machine {
	m := &Machine{port: port, fmt: f, set: s, start: now}
	m.history = []voice.Message{{Role: voice.RoleSystem, Content: s.SystemPrompt}}
	m.idle.start(now)
	return m
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

// ChangeConfig hands the machine a newer configuration of its assistant,
// or the configuration of the assistant a handover goes to. It applies at
// the next turn boundary (at once if the call is silent), never in the
// middle of an utterance; the machine keeps the newest one waiting, and
// ignores any older than what it has.
func (m *Machine) ChangeConfig(now time.Time, s Settings) {
	switch {
	case m.handover.to != 0 && s.AssistantID == m.handover.to:
		if m.pending != nil && m.pending.AssistantID == s.AssistantID && s.Version <= m.pending.Version {
			return
		}
	case s.AssistantID != m.set.AssistantID:
		return // an assistant the call has left, or never had
	case s.Version <= m.set.Version || (m.pending != nil && m.pending.AssistantID == s.AssistantID && s.Version <= m.pending.Version):
		return
	}
	m.pending = &s
	if m.assistant == Silent && m.caller.phase == Quiet && m.stage == Conversing {
		m.applyPending(now)
	}
}

// applyPending switches to a waiting configuration, at a turn boundary.
func (m *Machine) applyPending(now time.Time) {
	if m.pending == nil {
		return
	}
	from := m.set.AssistantID
	m.set, m.pending = *m.pending, nil
	m.history[0].Content = m.set.SystemPrompt
	m.port.ApplyConfig(m.set)
	m.port.Publish(events.ConfigApplied{Version: m.set.Version})
	if m.set.AssistantID != from {
		m.handedOver(now, from)
	}
}

// atBoundary runs when a reply has ended and the floor is free: a waiting
// configuration applies, a caller turn held for the reply is taken, and a
// consent message just heard starts its wait for a key.
func (m *Machine) atBoundary(now time.Time) {
	m.consentHeard(now)
	m.applyPending(now)
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
	if m.assistant == Acknowledging {
		d.consider(m.ack.playoutDeadline())
	}
	if m.assistant == Paused {
		d.at(m.intr.checkAt(&m.caller, m.set))
	}
	switch {
	case m.assistant == Ending:
		// the call's last words: the opening is over
	case m.stage == Screening:
		d.at(m.screenDeadline())
	case m.stage == LeavingMessage && m.assistant == Silent:
		d.at(m.greetingDeadline())
	case m.stage == Consenting:
		d.at(m.consent.due)
	}
	d.consider(m.caller.deadline(m.set))
	d.at(m.keypadDeadline())
	d.at(m.acks.due)
	d.at(m.fill.due)
	d.at(m.spec.due)
	d.at(m.silenceDeadline())
	d.at(m.maxLengthDeadline())
	if m.assistant == Ending {
		d.at(m.ending.force)
	}
	return d.when, d.set
}

// Advance runs whatever is due at now. Each step may end the call; the
// steps after it then do not run.
func (m *Machine) Advance(now time.Time) {
	if m.assistant == Ended {
		return
	}
	if m.assistant == Acknowledging {
		m.endAckIfPlayed(now)
	}
	if m.checkFinished(now); m.assistant == Ended {
		return
	}
	if m.assistant == Paused && !now.Before(m.intr.checkAt(&m.caller, m.set)) {
		m.recover(now, "no confirmation")
	}
	switch {
	case m.assistant == Ending:
	case m.stage == Screening && due(m.screenDeadline(), now):
		m.screenTimeout(now)
	case m.stage == LeavingMessage && m.assistant == Silent && due(m.greetingDeadline(), now):
		m.leaveMessage(now)
	case m.stage == Consenting && due(m.consent.due, now):
		m.consentTimeout(now)
	}
	if m.assistant == Ended {
		return
	}
	if at, ok := m.caller.deadline(m.set); ok && !now.Before(at) {
		if m.callerDeadline(now); m.assistant == Ended {
			return
		}
	}
	if r := m.reply; due(m.keypadDeadline(), now) {
		m.keypadDone(now, r, "no more keys")
	}
	if due(m.spec.due, now) {
		m.spec.due = time.Time{}
		m.speculate(now, m.spec.text)
	}
	if due(m.acks.due, now) {
		m.acks.due = time.Time{}
		m.requestAcknowledgement(now)
	}
	if due(m.fill.due, now) {
		m.fill.due = time.Time{}
		m.requestFiller(now)
	}
	if due(m.silenceDeadline(), now) {
		if m.silenceStep(now); m.assistant == Ended {
			return
		}
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
