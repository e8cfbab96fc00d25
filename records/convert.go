package records

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
)

// maxEarly bounds the events a call may publish before its CallStarted
// (a provider failing while the call sets up).
const maxEarly = 64

// callState is what the converter knows of a live call.
type callState struct {
	seq     int32
	started bool
	early   []persistence.Record // events before CallStarted, written after it
}

// converter turns a call's events into records, numbering them per call.
// It runs on the writer's goroutine only.
type converter struct {
	live  bool   // live transcript webhooks
	boot  string // the engine process running the calls: their rows' owner
	log   *slog.Logger
	calls map[string]*callState
}

func newConverter(live bool, boot string, log *slog.Logger) *converter {
	return &converter{live: live, boot: boot, log: log, calls: map[string]*callState{}}
}

// Events of the writer's own making, queued with the calls' events so that
// everything about a call stays in one order.
type (
	placedEvent   struct{ info persistence.CallInfo }
	statusEvent   struct{ carrier, status string }
	recordedEvent struct{ files []persistence.RecordingFile }
)

func (placedEvent) Kind() string   { return "placed" }
func (statusEvent) Kind() string   { return "status" }
func (recordedEvent) Kind() string { return "recording" }

// convert emits the records an event makes (none, one, or a call's early
// events after its start).
func (c *converter) convert(sid string, at time.Time, e events.Event, emit func(persistence.Record)) {
	rec := persistence.Record{CallSID: sid, At: at}
	switch e := e.(type) {
	case placedEvent:
		rec.Kind, rec.Call = persistence.RecordPlaced, &e.info
		emit(rec)
		return
	case statusEvent:
		rec.Kind, rec.Status = persistence.RecordStatus, &persistence.StatusUpdate{Carrier: e.carrier, Status: e.status}
		emit(rec)
		return
	case recordedEvent:
		rec.Kind, rec.Recordings = persistence.RecordRecording, e.files
		emit(rec)
		return
	case events.CallStarted:
		rec.Kind = persistence.RecordStarted
		rec.Call = &persistence.CallInfo{OrganizationID: e.OrganizationID, AssistantID: e.AssistantID,
			ConfigVersion: e.ConfigVersion, From: events.Clean(e.From), To: events.Clean(e.To), Direction: events.Clean(e.Direction),
			Carrier: events.Clean(e.Carrier), Private: e.Private, Boot: c.boot}
		rec.Call.SetWebhook(e.Webhook)
	case events.CallEnded:
		rec.Kind = persistence.RecordEnded
		rec.End = &persistence.CallEnd{Reason: events.Clean(e.Reason), DurationMS: e.Duration.Milliseconds(),
			AwaitRecording: e.Recording}
	case events.Transcript:
		if !e.Final && !c.live {
			return
		}
		rec.Kind = persistence.RecordTranscript
		rec.Transcript = &persistence.TranscriptRecord{Speaker: string(e.Speaker), Text: events.Clean(e.Text), Final: e.Final,
			Live: c.live, Confidence: e.Confidence, Start: e.Start.Seconds(), End: e.End.Seconds()}
	case events.History:
		rec.Kind = persistence.RecordHistory
		rec.Messages = make([]persistence.ChatMessage, len(e.Messages))
		for i, m := range e.Messages {
			m.Content = events.Clean(m.Content)
			rec.Messages[i] = persistence.NewChatMessage(m)
		}
	default:
		data, err := json.Marshal(events.Data(e))
		if err != nil {
			c.log.Error("call event not recorded", "call_sid", sid, "kind", e.Kind(), "err", err)
			return
		}
		rec.Kind, rec.Event = persistence.RecordEvent, &persistence.EventRecord{Kind: e.Kind(), Data: data}
	}

	st := c.calls[sid]
	if st == nil {
		st = &callState{}
		c.calls[sid] = st
	}
	st.seq++
	rec.Seq = st.seq
	switch {
	case rec.Kind == persistence.RecordStarted:
		st.started = true
		emit(rec)
		for _, r := range st.early {
			emit(r)
		}
		st.early = nil
	case !st.started && rec.Kind == persistence.RecordEnded:
		c.log.Warn("call ended without starting: its events are not recorded", "call_sid", sid, "events", len(st.early))
		delete(c.calls, sid)
	case !st.started && len(st.early) < maxEarly:
		st.early = append(st.early, rec)
	case !st.started:
		c.log.Warn("call event before the call started dropped: too many", "call_sid", sid, "kind", e.Kind())
	case rec.Kind == persistence.RecordEnded:
		emit(rec)
		delete(c.calls, sid)
	default:
		emit(rec)
	}
}
