package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
)

// The bodies follow Burki's, which follow Vapi's server messages
// (burki.md §3.1): {"message": {"type": ..., ...}}. Vapi's timestamp (ms
// since the epoch) and the call's assistant and direction are added; the
// summary and analysis Burki asks a model for are not produced.

type envelope struct {
	Message any `json:"message"`
}

type number struct {
	Number string `json:"number"`
}

type callRef struct {
	ID                  string `json:"id"`
	PhoneCallProviderID string `json:"phoneCallProviderId"`
	Customer            number `json:"customer"`
	AssistantID         *int64 `json:"assistantId"`
	Direction           string `json:"direction"`
}

type statusUpdate struct {
	Type        string   `json:"type"`
	Status      string   `json:"status"`
	EndedReason string   `json:"endedReason,omitempty"`
	Timestamp   int64    `json:"timestamp"`
	PhoneNumber number   `json:"phoneNumber"`
	Call        callRef  `json:"call"`
	Messages    []string `json:"messages"`
}

type endOfCallReport struct {
	Type            string        `json:"type"`
	Timestamp       int64         `json:"timestamp"`
	PhoneNumber     number        `json:"phoneNumber"`
	Customer        number        `json:"customer"`
	Call            callRef       `json:"call"`
	EndedReason     string        `json:"endedReason"`
	DurationSeconds float64       `json:"durationSeconds"`
	StartedAt       *time.Time    `json:"startedAt"`
	EndedAt         *time.Time    `json:"endedAt"`
	RecordingURL    string        `json:"recordingUrl,omitempty"`
	Messages        []chatMessage `json:"messages"`
}

type chatMessage struct {
	Role    string `json:"role"` // bot or human
	Content string `json:"content"`
}

type transcript struct {
	Type           string  `json:"type"`
	Timestamp      int64   `json:"timestamp"`
	Role           string  `json:"role"`
	TranscriptType string  `json:"transcriptType"` // partial or final
	Transcript     string  `json:"transcript"`
	PhoneNumber    number  `json:"phoneNumber"`
	Call           callRef `json:"call"`
}

// render builds a webhook's body from the call as stored now.
func (d *Dispatcher) render(ctx context.Context, o persistence.OutboxRow, now time.Time) ([]byte, error) {
	c, err := d.opt.Store.LoadCall(ctx, o.CallID)
	if err != nil {
		return nil, err
	}
	ref := callRef{ID: c.CallSID, PhoneCallProviderID: c.CallSID, Customer: number{c.CustomerNumber},
		AssistantID: c.AssistantID, Direction: c.Direction}
	ts := now.UnixMilli()
	var msg any
	switch o.Type {
	case persistence.WebhookStatusUpdate:
		m := statusUpdate{Type: o.Type, Status: o.DedupKey, Timestamp: ts, PhoneNumber: number{c.AssistantNumber},
			Call: ref, Messages: []string{}}
		if o.DedupKey == "ended" && c.EndedReason != nil {
			m.EndedReason = *c.EndedReason
		}
		msg = m
	case persistence.WebhookEndOfCall:
		m := endOfCallReport{Type: o.Type, Timestamp: ts, PhoneNumber: number{c.AssistantNumber}, Customer: number{c.CustomerNumber},
			Call: ref, StartedAt: c.StartedAt, EndedAt: c.EndedAt, Messages: []chatMessage{}}
		if c.EndedReason != nil {
			m.EndedReason = *c.EndedReason
		}
		if c.DurationMS != nil {
			m.DurationSeconds = float64(*c.DurationMS) / 1000
		}
		if d.opt.Recordings != nil {
			if m.RecordingURL, err = d.opt.Recordings.RecordingURL(ctx, c.ID); err != nil {
				return nil, fmt.Errorf("recording of call %d: %w", c.ID, err)
			}
		}
		ts, err := d.opt.Store.ListTranscripts(ctx, c.OrganizationID, c.ID, "")
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			role := "human"
			if t.Speaker == "assistant" {
				role = "bot"
			}
			m.Messages = append(m.Messages, chatMessage{Role: role, Content: t.Content})
		}
		msg = m
	case persistence.WebhookTranscript:
		var lt persistence.LiveTranscript
		if err := json.Unmarshal(o.Data, &lt); err != nil {
			return nil, fmt.Errorf("live transcript %d: %w", o.ID, err)
		}
		kind := "partial"
		if lt.Final {
			kind = "final"
		}
		msg = transcript{Type: o.Type, Timestamp: ts, Role: lt.Role, TranscriptType: kind, Transcript: lt.Transcript,
			PhoneNumber: number{c.AssistantNumber}, Call: ref}
	default:
		return nil, fmt.Errorf("unknown webhook type %q", o.Type)
	}
	return json.Marshal(envelope{Message: msg})
}
