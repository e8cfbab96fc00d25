package telephonytest

import "github.com/switchboard-voice/switchboard/assistant"

// The numbers of the gateway scenarios: the assistant's, its caller's and
// the agent it transfers to.
const (
	Number       = "+15550001111"
	CallerNumber = "+15557654321"
	AgentNumber  = "+18005550100"
)

// AddRoute adds assistant 1, edited, on Number.
func (h *Harness) AddRoute(edit func(*assistant.Config)) {
	h.Dir.AddAssistant(1, edit)
	h.Dir.AddNumber(Number, 1, true)
}
