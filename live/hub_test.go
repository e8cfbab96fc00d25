package live

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

func drain(t *testing.T, w *Watcher) []Message {
	t.Helper()
	var out []Message
	for b := range w.C() {
		var m struct {
			Type string          `json:"type"`
			At   time.Time       `json:"at"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, Message{Type: m.Type, At: m.At, Data: m.Data})
	}
	return out
}

func TestWatchersGetTheirCallInOrderUntilItEnds(t *testing.T) {
	h := NewHub()
	a, err := h.Watch("CA1")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := h.Watch("CA2")
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	h.Publish("CA1", at, events.Transcript{Speaker: events.Caller, Text: "hello", Final: true})
	h.Publish("CA1", at, events.History{})
	h.Publish("CA1", at.Add(time.Second), events.Transcript{Speaker: events.Assistant, Text: "hi"})
	h.Publish("CA1", at.Add(2*time.Second), events.CallEnded{Reason: events.EndCallerHungUp})
	h.Publish("CA1", at.Add(3*time.Second), events.Transcript{Text: "after the end"})
	got := drain(t, a)
	if len(got) != 3 || got[0].Type != "transcript" || got[1].Type != "transcript" || got[2].Type != "call-ended" ||
		!got[2].At.Equal(at.Add(2*time.Second)) || string(got[0].Data.(json.RawMessage)) == "" {
		t.Fatalf("messages %+v", got)
	}
	if a.Lagged() {
		t.Fatal("lagged")
	}
	select {
	case m := <-other.C():
		t.Fatalf("the other call's watcher got %s", m)
	default:
	}
	other.Close()
	other.Close()
	if len(h.watchers) != 0 {
		t.Fatalf("watchers left: %v", h.watchers)
	}
}

func TestSlowWatchersAreCutOff(t *testing.T) {
	h := NewHub()
	w, _ := h.Watch("CA1")
	for range buffer + 1 {
		h.Publish("CA1", time.Now(), events.Backchannel{Phrase: "mm"})
	}
	if n := len(drain(t, w)); n != buffer || !w.Lagged() {
		t.Fatalf("%d messages, lagged %v", n, w.Lagged())
	}
}

func TestWatchersPerCallAreLimited(t *testing.T) {
	h := NewHub()
	for range MaxWatchers {
		if _, err := h.Watch("CA1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Watch("CA1"); !errors.Is(err, ErrTooManyWatchers) {
		t.Fatalf("watcher %d: %v", MaxWatchers+1, err)
	}
}
