package call

import (
	"errors"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/voice"
)

// Call is a live call as its carrier gateway and the API see it. Its
// methods post to the call's actor and never block (Inspect waits for the
// actor's answer).
type Call struct {
	voice.CallInfo
	// Private: the call started in GDPR mode, so views mask the customer's
	// number (privacy.Parties).
	Private bool
	root    *actor.RootContext
	pid     *actor.PID
	done    chan struct{}

	mu      sync.Mutex
	reason  string
	state   State
	ended   bool
	waiting map[*actor.PID]bool // futures of Inspect calls not yet answered
}

// State is a live call's state for live views.
type State struct {
	Started     time.Time
	Speaking    string // "caller", "assistant" or ""
	Stage       string // turn.Stage: screening, consenting, awaiting, conversing, leaving-message
	AssistantID int64  // the assistant on the call (a handover changes it)
	Turns       int
	LastLatency time.Duration // the last reply's first frame after the caller's turn
}

// ErrEnded means the call has ended.
var ErrEnded = errors.New("call: ended")

// Messages the gateway posts.
type (
	callerAudio    struct{ frame []byte }
	carrierMark    struct{ name string }
	callerDTMF     struct{ digits string }
	carrierStopped struct{}
	endRequest     struct {
		reason, goodbye string
		within          time.Duration // 0: the turn machine's own bound on last words
	}
	carrierAnsweredBy struct{ who string }
)

// Audio delivers one frame of caller audio; the call owns it from now on.
func (c *Call) Audio(frame []byte) { c.root.Send(c.pid, &callerAudio{frame: frame}) }

// Mark reports that the carrier played the audio up to a mark.
func (c *Call) Mark(name string) { c.root.Send(c.pid, &carrierMark{name: name}) }

// DTMF reports keys the caller pressed.
func (c *Call) DTMF(digits string) { c.root.Send(c.pid, &callerDTMF{digits: digits}) }

// Stopped reports that the carrier ended the call (the caller hung up or
// the media stream closed).
func (c *Call) Stopped() { c.root.Send(c.pid, &carrierStopped{}) }

// End asks the call to end for reason, after goodbye if it is not empty.
func (c *Call) End(reason, goodbye string) {
	c.root.Send(c.pid, &endRequest{reason: reason, goodbye: goodbye})
}

// EndWithin is End with the call hung up within the given time, the
// goodbye cut if it takes longer.
func (c *Call) EndWithin(reason, goodbye string, within time.Duration) {
	c.root.Send(c.pid, &endRequest{reason: reason, goodbye: goodbye, within: within})
}

// AnsweredBy reports the carrier's answering-machine detection: "human" or
// "machine" (turn.AnsweredByHuman, turn.AnsweredByMachine).
func (c *Call) AnsweredBy(who string) { c.root.Send(c.pid, &carrierAnsweredBy{who: who}) }

// Done is closed once the call has ended and released its resources.
func (c *Call) Done() <-chan struct{} { return c.done }

// Reason is why the call ended ("" while it is live).
func (c *Call) Reason() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reason
}

// State returns the call's state as last published.
func (c *Call) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Call) setState(f func(*State)) {
	c.mu.Lock()
	f(&c.state)
	c.mu.Unlock()
}

// inspect asks the actor itself; the answer comes after every message
// queued before it has been handled.
type inspect struct{}

// endedAnswer completes an Inspect the ended actor will never answer.
type endedAnswer struct{}

// Inspect returns the call's state once its mailbox has caught up with
// everything posted before; an ended call answers ErrEnded at once.
func (c *Call) Inspect(timeout time.Duration) (State, error) {
	f := actor.NewFuture(c.root.ActorSystem(), timeout)
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return State{}, ErrEnded
	}
	if c.waiting == nil {
		c.waiting = map[*actor.PID]bool{}
	}
	c.waiting[f.PID()] = true
	c.mu.Unlock()
	c.root.RequestWithCustomSender(c.pid, &inspect{}, f.PID())
	res, err := f.Result()
	c.mu.Lock()
	delete(c.waiting, f.PID())
	c.mu.Unlock()
	switch r := res.(type) {
	case State:
		return r, nil
	case *endedAnswer:
		return State{}, ErrEnded
	}
	if errors.Is(err, actor.ErrDeadLetter) {
		// The actor stopped with the request in its mailbox; the future may
		// even have had its endedAnswer overwritten by the dead letter.
		return State{}, ErrEnded
	}
	return State{}, err
}

// markEnded records the end (keeping an earlier reason) and completes
// every Inspect still waiting: messages queued behind the actor's stop are
// never handled.
func (c *Call) markEnded(reason string) string {
	c.mu.Lock()
	if c.reason == "" {
		c.reason = reason
	}
	c.ended = true
	waiting := c.waiting
	c.waiting = nil
	reason = c.reason
	c.mu.Unlock()
	for pid := range waiting {
		c.root.Send(pid, &endedAnswer{})
	}
	return reason
}
