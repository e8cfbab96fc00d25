package turn

import "fmt"

// Assistant is what the assistant's side of the call is doing. The table
// in the package documentation lists what leads from each phase to which.
type Assistant uint8

const (
	// Silent: no reply; the floor is the caller's.
	Silent Assistant = iota
	// Acknowledging: a short acknowledgement plays into the caller's pause.
	Acknowledging
	// Guessing: a reply is prepared on an interim transcript, before the
	// caller's turn is known to be over; the caller hears none of it unless
	// the final transcript confirms the guess.
	Guessing
	// Thinking: a reply is being written and synthesised; the caller has
	// heard nothing of it yet.
	Thinking
	// Speaking: the caller is hearing the reply.
	Speaking
	// Paused: the caller spoke over the reply; playback is paused while the
	// speech is judged an interruption or not.
	Paused
	// Ending: the call's last words play, then it is hung up or transferred;
	// nothing interrupts them.
	Ending
	// Ended: the call is over.
	Ended
)

var assistantNames = [...]string{"silent", "acknowledging", "guessing", "thinking", "speaking", "paused", "ending", "ended"}

func (a Assistant) String() string { return assistantNames[a] }

// assistantMoves lists the phases each phase may become.
var assistantMoves = [...]phaseSet[Assistant]{
	Silent:        phases(Acknowledging, Guessing, Thinking, Ending, Ended),
	Acknowledging: phases(Silent),
	Guessing:      phases(Silent, Thinking),
	Thinking:      phases(Speaking, Silent, Ending),
	Speaking:      phases(Paused, Silent, Ending),
	Paused:        phases(Speaking, Silent, Ending),
	Ending:        phases(Ended),
	Ended:         phases[Assistant](),
}

// Caller is where the caller's turn stands.
type Caller uint8

const (
	// Quiet: no turn in progress.
	Quiet Caller = iota
	// Talking: the caller is taking a turn.
	Talking
	// Finishing: the turn may be over; it is committed at a set time unless
	// the caller goes on.
	Finishing
	// Holding: the turn is over but waits for the assistant: for the reply
	// the caller is hearing to end, or for the caller's speech over it to
	// be judged.
	Holding
	// Ignoring: speech judged not to be a turn (caller speech over the
	// assistant that did not interrupt it) is ignored until the caller
	// pauses.
	Ignoring
)

var callerNames = [...]string{"quiet", "talking", "finishing", "holding", "ignoring"}

func (c Caller) String() string { return callerNames[c] }

// callerMoves lists the phases each caller phase may become. Finishing may
// be entered again: the time set for the commit moves (a cooldown, an
// unfinished sentence).
var callerMoves = [...]phaseSet[Caller]{
	Quiet:     phases(Talking),
	Talking:   phases(Quiet, Finishing, Holding, Ignoring),
	Finishing: phases(Quiet, Talking, Finishing, Holding, Ignoring),
	Holding:   phases(Quiet, Talking, Finishing, Ignoring),
	Ignoring:  phases(Quiet, Talking, Finishing),
}

// phaseSet is a set of phases.
type phaseSet[P ~uint8] uint16

func phases[P ~uint8](ps ...P) phaseSet[P] {
	var s phaseSet[P]
	for _, p := range ps {
		s |= 1 << p
	}
	return s
}

func (s phaseSet[P]) has(p P) bool { return s&(1<<p) != 0 }

// IllegalMove is the panic of a phase change the machine's design rules
// out: a bug, reported with what was attempted.
type IllegalMove struct {
	Side     string // "assistant" or "caller"
	From, To string
}

func (e IllegalMove) Error() string {
	return fmt.Sprintf("turn: illegal %s phase change %s → %s", e.Side, e.From, e.To)
}

// setAssistant moves the assistant's side to next.
func (m *Machine) setAssistant(next Assistant) {
	if !assistantMoves[m.assistant].has(next) {
		panic(IllegalMove{"assistant", m.assistant.String(), next.String()})
	}
	m.assistant = next
}

// set moves the caller's side to next; staying where it is is no move.
func (c *caller) set(next Caller) {
	if c.phase == next && next != Finishing {
		return
	}
	if !callerMoves[c.phase].has(next) {
		panic(IllegalMove{"caller", c.phase.String(), next.String()})
	}
	c.phase = next
}
