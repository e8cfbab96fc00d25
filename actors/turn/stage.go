package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// Stage is where the call stands around its conversation proper: what must
// happen before the assistant and the caller take turns.
type Stage uint8

const (
	// Opening: the call has not started.
	Opening Stage = iota
	// Screening: an outbound call was answered; nothing is said until it
	// is known whether a person or an answering machine answered.
	Screening
	// Consenting: the caller is asked to agree to the recording; only
	// keys count (1 agrees, 2 declines), nothing they say is heard.
	Consenting
	// Awaiting: the welcome waits for the caller's first words.
	Awaiting
	// Conversing: the conversation proper.
	Conversing
	// LeavingMessage: an answering machine answered; its greeting plays
	// out, then the voicemail message is left, or the call hung up.
	LeavingMessage
)

var stageNames = [...]string{"opening", "screening", "consenting", "awaiting", "conversing", "leaving-message"}

func (s Stage) String() string { return stageNames[s] }

// stageMoves lists the stages each stage may become.
var stageMoves = [...]phaseSet[Stage]{
	Opening:        phases(Screening, Consenting, Awaiting, Conversing),
	Screening:      phases(Consenting, Awaiting, Conversing, LeavingMessage),
	Consenting:     phases(Awaiting, Conversing),
	Awaiting:       phases(Conversing),
	Conversing:     phases[Stage](),
	LeavingMessage: phases[Stage](),
}

func (m *Machine) setStage(next Stage) {
	if !stageMoves[m.stage].has(next) {
		panic(IllegalMove{"stage", m.stage.String(), next.String()})
	}
	from := m.stage
	m.stage = next
	if from != Opening || next != Conversing { // a plain call's start is no news
		m.port.Publish(events.StageChanged{Stage: next.String()})
	}
}

// CallStart is what the machine needs to know of a call as it starts.
type CallStart struct {
	Outbound bool
	// Disclosure is what the caller must hear first about the recording
	// ("" for nothing).
	Disclosure string
}

// Start begins the call: screening for an answering machine, asking for
// consent, waiting for the caller, or straight to the welcome.
func (m *Machine) Start(now time.Time, cs CallStart) {
	m.outbound, m.disclosure = cs.Outbound, cs.Disclosure
	if m.screens() {
		m.setStage(Screening)
		m.screen.begin(now)
		return
	}
	m.open(now)
}

// open goes on with the call's opening once it is known that a person
// answered: consent, then the welcome (now, or once the caller speaks).
func (m *Machine) open(now time.Time) {
	switch {
	case m.set.ConsentRequired && m.stage != Consenting:
		m.setStage(Consenting)
		m.askConsent(now)
	case m.set.WaitForCaller:
		m.setStage(Awaiting)
	default:
		m.setStage(Conversing)
		m.welcome(now)
	}
}

// Stage reports where the call stands around its conversation.
func (m *Machine) Stage() Stage { return m.stage }

// welcome says the disclosure and the welcome message.
func (m *Machine) welcome(now time.Time) {
	text := m.set.Welcome
	if m.outbound && m.set.OutboundWelcome != "" {
		text = m.set.OutboundWelcome
	}
	switch {
	case m.disclosure != "":
		// The law asks that the caller hear it: it cannot be interrupted,
		// and the welcome follows it in the same breath.
		m.speakStatic(now, SourceDisclosure, strings.TrimSpace(m.disclosure+" "+text))
	case text != "":
		m.speakStatic(now, SourceWelcome, text)
	}
}

// greetCaller answers the caller's first words when the welcome waited for
// them: the welcome is the reply.
func (m *Machine) greetCaller(now time.Time) {
	m.setStage(Conversing)
	m.welcome(now)
}
