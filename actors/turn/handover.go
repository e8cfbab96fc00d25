package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// handover is a call being handed to another assistant of the
// organization (assistant_transfer): the port loads its configuration,
// which applies at the next turn boundary like any configuration change,
// and the new assistant may greet the caller.
type handover struct {
	to    int64 // the assistant taking over; 0: none under way
	greet bool
}

// HandoverFailed reports that the assistant the call was to be handed to
// could not be loaded: the current assistant carries on.
func (m *Machine) HandoverFailed(now time.Time, reason string) {
	if m.handover.to == 0 || m.assistant == Ended {
		return
	}
	m.port.Publish(events.AssistantTransferred{From: m.set.AssistantID, To: m.handover.to, Error: reason})
	m.handover = handover{}
	if m.floorFree() && m.caller.phase == Quiet && m.stage == Conversing {
		m.speakStatic(now, SourceLLM, handoverApology)
	}
}

const handoverApology = "I'm sorry, I couldn't connect you. Is there anything else I can help with?"

// handedOver runs once a handover's configuration has applied.
func (m *Machine) handedOver(now time.Time, from int64) {
	h := m.handover
	m.handover = handover{}
	m.port.Publish(events.AssistantTransferred{From: from, To: m.set.AssistantID})
	if h.greet && m.set.Welcome != "" && m.floorFree() {
		m.speakStatic(now, SourceWelcome, m.set.Welcome)
	}
}
