package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
)

// VoiceDock's messages (compat.md §3, "Webhooks"): Vapi's envelope
// {"message": {...}} in snake_case, with an ISO timestamp, the call as
// {id, type, status}, the assistant by its UUID, and the end-of-call
// report's analysis as VoiceDock's analysis_plan describes it.

type vdNumber struct {
	Number string `json:"number"`
}

type vdCall struct {
	ID     string `json:"id"`
	Type   string `json:"type"` // inbound_phone_call, outbound_phone_call or web_call
	Status string `json:"status"`
}

type vdAssistant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type vdBase struct {
	Type        string       `json:"type"`
	Timestamp   string       `json:"timestamp"`
	Call        vdCall       `json:"call"`
	PhoneNumber vdNumber     `json:"phone_number"`
	Customer    vdNumber     `json:"customer"`
	Assistant   *vdAssistant `json:"assistant,omitempty"`
}

type vdStatusUpdate struct {
	vdBase
	Status      string `json:"status"`
	EndedReason string `json:"ended_reason,omitempty"`
}

type vdReport struct {
	vdBase
	EndedReason     string      `json:"ended_reason"`
	DurationSeconds float64     `json:"duration_seconds"`
	StartedAt       *time.Time  `json:"started_at"`
	EndedAt         *time.Time  `json:"ended_at"`
	Summary         string      `json:"summary"`
	Messages        []vdMessage `json:"messages"`
	Analysis        *vdAnalysis `json:"analysis,omitempty"`
	RecordingURL    string      `json:"recording_url,omitempty"`
	AnsweredBy      string      `json:"answered_by,omitempty"` // human or machine, when detected
}

type vdMessage struct {
	Role    string `json:"role"` // assistant or user
	Content string `json:"content"`
}

// vdAnalysis is the call's analysis: the summary, the structured data its
// analysis_plan asked for (only data that validated against the schema)
// and, when evaluated, whether the call succeeded.
type vdAnalysis struct {
	Status            string            `json:"status"` // completed, failed, skipped, or pending when the wait ran out
	Summary           string            `json:"summary,omitempty"`
	StructuredData    json.RawMessage   `json:"structured_data,omitempty"`
	SuccessEvaluation *bool             `json:"success_evaluation,omitempty"`
	Errors            map[string]string `json:"errors,omitempty"` // why a step has no result, by step
}

// vdStatuses are VoiceDock's call statuses for ours.
var vdStatuses = map[string]string{
	persistence.StatusQueued: "connecting", persistence.StatusRinging: "ringing", persistence.StatusInProgress: "in-progress",
	persistence.StatusCompleted: "ended", persistence.StatusBusy: "failed", persistence.StatusNoAnswer: "failed",
	persistence.StatusFailed: "failed", persistence.StatusCanceled: "failed",
}

func vdCallType(c persistence.CallRow) string {
	switch {
	case c.Carrier == "web":
		return "web_call"
	case c.Direction == "outbound":
		return "outbound_phone_call"
	}
	return "inbound_phone_call"
}

func (d *Dispatcher) renderVoiceDock(ctx context.Context, o persistence.OutboxRow, c persistence.CallRow, now time.Time) ([]byte, error) {
	base := vdBase{Type: o.Type, Timestamp: now.UTC().Format(time.RFC3339Nano),
		Call:        vdCall{ID: c.CallSID, Type: vdCallType(c), Status: vdStatuses[c.Status]},
		PhoneNumber: vdNumber{c.AssistantNumber}, Customer: vdNumber{c.CustomerNumber}}
	if c.AssistantUUID != nil {
		base.Assistant = &vdAssistant{ID: *c.AssistantUUID, Name: ptr.Value(c.AssistantName)}
	}
	var msg any
	switch o.Type {
	case persistence.WebhookStatusUpdate:
		m := vdStatusUpdate{vdBase: base, Status: o.DedupKey}
		if o.DedupKey == "ended" {
			m.Status = vdStatuses[c.Status]
			m.EndedReason = ptr.Value(c.EndedReason)
		}
		msg = m
	case persistence.WebhookEndOfCall:
		m := vdReport{vdBase: base, EndedReason: ptr.Value(c.EndedReason), StartedAt: c.StartedAt, EndedAt: c.EndedAt,
			AnsweredBy: ptr.Value(c.AnsweredBy), Messages: []vdMessage{}}
		if m.EndedReason == "" {
			m.EndedReason = c.Status // never answered: busy, no-answer, failed
		}
		if c.DurationMS != nil {
			m.DurationSeconds = float64(*c.DurationMS) / 1000
		}
		if a := c.Analysis; a != nil {
			m.Analysis = &vdAnalysis{Status: a.Status, Summary: ptr.Value(a.Summary), StructuredData: a.StructuredData,
				Errors: analysisErrors(a, "structured_data")}
			if a.Evaluation != nil {
				m.Analysis.SuccessEvaluation = &a.Evaluation.Successful
			}
			m.Summary = m.Analysis.Summary
		}
		var err error
		if m.RecordingURL, err = d.recordingURL(ctx, c); err != nil {
			return nil, err
		}
		lines, err := d.opt.Store.ListTranscripts(ctx, c.OrganizationID, c.ID, "")
		if err != nil {
			return nil, err
		}
		for _, t := range lines {
			m.Messages = append(m.Messages, vdMessage{Role: t.Speaker, Content: t.Content})
		}
		msg = m
	default:
		return nil, fmt.Errorf("no VoiceDock webhook of type %q", o.Type)
	}
	return json.Marshal(envelope{Message: msg})
}

// analysisErrors says why each step of an analysis has no result, the
// structured data step named as the format names it.
func analysisErrors(a *persistence.CallAnalysis, structured string) map[string]string {
	out := map[string]string{}
	for step, err := range map[string]*string{"summary": a.SummaryError, structured: a.StructuredDataError,
		"evaluation": a.EvaluationError, "analysis": a.LastError} {
		if err != nil {
			out[step] = *err
		}
	}
	return out
}
