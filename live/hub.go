// Package live fans each call's events out, as they happen, to those
// watching it (the live-call websocket of the admin API).
package live

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// MaxWatchers bounds the watchers of one call, as Burki does.
const MaxWatchers = 10

// buffer is how many messages a watcher may fall behind before it is cut
// off: a call publishes a few a second, so only a stuck client gets there.
const buffer = 256

// ErrTooManyWatchers refuses a watcher past MaxWatchers.
var ErrTooManyWatchers = errors.New("live: too many watchers of this call")

// Message is one event as watchers receive it.
type Message struct {
	Type string    `json:"type"`
	At   time.Time `json:"at"`
	Data any       `json:"data"`
}

// Hub is an events.Sink that forwards events to the watchers of their
// call. With nobody watching, Publish costs a map lookup.
type Hub struct {
	mu       sync.Mutex
	watchers map[string]map[*Watcher]struct{}
}

var _ events.Sink = (*Hub)(nil)

// NewHub returns a hub without watchers.
func NewHub() *Hub { return &Hub{watchers: map[string]map[*Watcher]struct{}{}} }

// Watcher receives one call's events, encoded as JSON messages.
type Watcher struct {
	hub    *Hub
	callID string
	ch     chan []byte
	lagged bool // closed for falling behind
}

// C delivers the messages; it is closed when the call ends, the watcher
// falls behind, or Close is called.
func (w *Watcher) C() <-chan []byte { return w.ch }

// Lagged reports whether the watcher was cut off for falling behind.
func (w *Watcher) Lagged() bool {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	return w.lagged
}

// Close stops watching.
func (w *Watcher) Close() {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	w.hub.drop(w)
}

// Watch starts watching a call.
func (h *Hub) Watch(callID string) (*Watcher, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ws := h.watchers[callID]
	if len(ws) >= MaxWatchers {
		return nil, ErrTooManyWatchers
	}
	if ws == nil {
		ws = map[*Watcher]struct{}{}
		h.watchers[callID] = ws
	}
	w := &Watcher{hub: h, callID: callID, ch: make(chan []byte, buffer)}
	ws[w] = struct{}{}
	return w, nil
}

// Publish implements events.Sink. The conversation history is left out:
// it is the whole conversation again at every turn.
func (h *Hub) Publish(callID string, at time.Time, e events.Event) {
	if _, ok := e.(events.History); ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ws := h.watchers[callID]
	if len(ws) == 0 {
		return
	}
	msg, err := json.Marshal(Message{Type: e.Kind(), At: at.UTC(), Data: events.Data(e)})
	if err != nil {
		return // events.Data encodes plain values: cannot happen
	}
	_, ended := e.(events.CallEnded)
	for w := range ws {
		select {
		case w.ch <- msg:
		default:
			w.lagged = true
			h.drop(w)
			continue
		}
		if ended {
			h.drop(w)
		}
	}
}

// drop removes a watcher and closes its channel; h.mu is held.
func (h *Hub) drop(w *Watcher) {
	ws := h.watchers[w.callID]
	if _, ok := ws[w]; !ok {
		return
	}
	delete(ws, w)
	if len(ws) == 0 {
		delete(h.watchers, w.callID)
	}
	close(w.ch)
}
