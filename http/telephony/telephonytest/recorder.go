package telephonytest

import (
	"slices"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Recorder is an events.Sink keeping every call's events.
type Recorder struct {
	mu     sync.Mutex
	events map[string][]events.Event
	order  []string // call ids in the order they started
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{events: map[string][]events.Event{}} }

// Publish implements events.Sink.
func (r *Recorder) Publish(id string, _ time.Time, e events.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := e.(events.CallStarted); ok {
		r.order = append(r.order, id)
	}
	r.events[id] = append(r.events[id], e)
}

// Of returns a call's events of a kind ("" for all).
func (r *Recorder) Of(id, kind string) []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.Event
	for _, e := range r.events[id] {
		if kind == "" || e.Kind() == kind {
			out = append(out, e)
		}
	}
	return out
}

// Started counts the calls that started.
func (r *Recorder) Started() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order)
}

// Ended returns how a call ended, if it has.
func (r *Recorder) Ended(id string) (events.CallEnded, bool) {
	ends := r.Of(id, "call-ended")
	if len(ends) == 0 {
		return events.CallEnded{}, false
	}
	return ends[len(ends)-1].(events.CallEnded), true
}

// History is a call's last published conversation.
func (r *Recorder) History(id string) []voice.Message {
	h := r.Of(id, "history")
	if len(h) == 0 {
		return nil
	}
	return slices.Clone(h[len(h)-1].(events.History).Messages)
}

// LastHistoryWith is the conversation of the latest call between an
// assistant and a caller, for conversation continuity.
func (r *Recorder) LastHistoryWith(assistantID int64, caller string) []voice.Message {
	r.mu.Lock()
	ids := slices.Clone(r.order)
	r.mu.Unlock()
	for i := len(ids) - 1; i >= 0; i-- {
		for _, e := range r.Of(ids[i], "call-started") {
			cs := e.(events.CallStarted)
			other := cs.From
			if cs.Direction == "outbound" {
				other = cs.To
			}
			if cs.AssistantID == assistantID && other == caller {
				return r.History(ids[i])
			}
		}
	}
	return nil
}
