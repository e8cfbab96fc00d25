package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// consentWait is how long the caller has to press a key after the
// consent message.
const consentWait = 10 * time.Second

// consentAsks is how often the message is said before the call ends
// without an answer.
const consentAsks = 2

// defaultConsentMessage is said when consent is required and no message
// is configured.
const defaultConsentMessage = "This call is recorded. To agree, press 1. To end the call, press 2."

// Consent decisions, as events and call records give them.
const (
	ConsentAgreed     = "agreed"
	ConsentDeclined   = "declined"
	ConsentUnanswered = "no-answer"
)

// consent is the recording-consent gate: the caller hears the message and
// presses 1 to agree or 2 to end the call; without a key, the message is
// said once more, then the call ends.
type consent struct {
	asked int       // times the message was said
	due   time.Time // no key by then: ask again, or end
}

// askConsent says the consent message; the wait for a key starts once it
// has been heard (consentHeard).
func (m *Machine) askConsent(now time.Time) {
	m.consent.asked++
	m.consent.due = time.Time{}
	text := m.set.ConsentMessage
	if text == "" {
		text = defaultConsentMessage
	}
	m.speakStatic(now, SourceConsent, text)
}

// consentHeard starts the wait for a key once the message has played.
func (m *Machine) consentHeard(now time.Time) {
	if m.stage == Consenting && m.consent.due.IsZero() {
		m.consent.due = now.Add(consentWait)
	}
}

// consentKeys takes the caller's keys while consent is asked: 1 agrees and
// the call goes on, 2 declines and ends it; other keys change nothing.
func (m *Machine) consentKeys(now time.Time, digits string) {
	for _, d := range digits {
		switch d {
		case '1':
			m.decideConsent(now, ConsentAgreed)
			return
		case '2':
			m.decideConsent(now, ConsentDeclined)
			return
		}
	}
}

// consentTimeout asks again, or ends the call unanswered.
func (m *Machine) consentTimeout(now time.Time) {
	if m.consent.asked < consentAsks {
		m.askConsent(now)
		return
	}
	m.decideConsent(now, ConsentUnanswered)
}

func (m *Machine) decideConsent(now time.Time, decision string) {
	m.consent.due = time.Time{}
	m.port.Publish(events.Consent{Decision: decision, Asked: m.consent.asked})
	if m.reply != nil {
		m.endReply(now, superseded) // the message, cut short by the key
	}
	switch decision {
	case ConsentAgreed:
		m.open(now)
	case ConsentDeclined:
		m.End(now, events.EndConsentDeclined, "")
	default:
		m.End(now, events.EndConsentUnanswered, "")
	}
}
