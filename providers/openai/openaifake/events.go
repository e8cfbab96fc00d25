package openaifake

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/switchboard-voice/switchboard/voice"
)

// Events collects what a voice.LLM emits, for tests of clients and of
// whatever drives them, and checks the contract's order as events arrive:
// LLMServed first and once, LLMDone last and once.
type Events struct {
	// OnEvent, if set, runs after each event is recorded, e.g. to cancel a
	// generation mid-stream.
	OnEvent func(voice.LLMEvent)

	mu     sync.Mutex
	events []voice.LLMEvent
	errs   []error
}

// Emit records e; pass it as Generate's emit.
func (r *Events) Emit(e voice.LLMEvent) {
	r.mu.Lock()
	n := len(r.events)
	if n > 0 {
		if _, ok := r.events[n-1].(*voice.LLMDone); ok {
			r.errs = append(r.errs, fmt.Errorf("%T after LLMDone", e))
		}
	}
	if _, served := e.(*voice.LLMServed); (n == 0) != served {
		r.errs = append(r.errs, fmt.Errorf("event %d is %T: LLMServed must come first, and once", n, e))
	}
	r.events = append(r.events, e)
	f := r.OnEvent
	r.mu.Unlock()
	if f != nil {
		f(e)
	}
}

// Err reports the contract violations seen.
func (r *Events) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(r.errs...)
}

// All returns the events so far.
func (r *Events) All() []voice.LLMEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]voice.LLMEvent(nil), r.events...)
}

// Text joins the text deltas.
func (r *Events) Text() string {
	var b strings.Builder
	for _, e := range r.All() {
		if d, ok := e.(*voice.TextDelta); ok {
			b.WriteString(d.Text)
		}
	}
	return b.String()
}

// Deltas counts the text deltas.
func (r *Events) Deltas() int {
	n := 0
	for _, e := range r.All() {
		if _, ok := e.(*voice.TextDelta); ok {
			n++
		}
	}
	return n
}

// Calls returns the tool calls.
func (r *Events) Calls() []voice.ToolCall {
	var out []voice.ToolCall
	for _, e := range r.All() {
		if c, ok := e.(*voice.ToolCallEvent); ok {
			out = append(out, c.Call)
		}
	}
	return out
}

// Served returns the LLMServed, or nil.
func (r *Events) Served() *voice.LLMServed { return first[*voice.LLMServed](r) }

// Usage returns the first LLMUsage, or nil.
func (r *Events) Usage() *voice.LLMUsage { return first[*voice.LLMUsage](r) }

// Done returns the LLMDone, or nil.
func (r *Events) Done() *voice.LLMDone { return first[*voice.LLMDone](r) }

func first[T voice.LLMEvent](r *Events) T {
	for _, e := range r.All() {
		if v, ok := e.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}
