package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The bodies follow Burki's, which follow Vapi's server messages
// (docs/reference/burki.md §3.1): {"message": {"type": ..., ...}}.
// Vapi's timestamp (ms since the epoch) and the call's assistant and
// direction are added. The end-of-call report carries the call's
// post-call analysis as Burki's does (summary, and analysis with summary,
// durationSeconds and structuredData), with its status, the evaluation
// and each failed step's error added.

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
	Type            string          `json:"type"`
	Timestamp       int64           `json:"timestamp"`
	PhoneNumber     number          `json:"phoneNumber"`
	Customer        number          `json:"customer"`
	Call            callRef         `json:"call"`
	EndedReason     string          `json:"endedReason"`
	DurationSeconds float64         `json:"durationSeconds"`
	StartedAt       *time.Time      `json:"startedAt"`
	EndedAt         *time.Time      `json:"endedAt"`
	RecordingURL    string          `json:"recordingUrl,omitempty"`
	Consent         string          `json:"consent,omitempty"`    // the caller's answer to the recording-consent question
	AnsweredBy      string          `json:"answeredBy,omitempty"` // human or machine, when detected
	Messages        []chatMessage   `json:"messages"`
	Summary         string          `json:"summary,omitempty"`
	Analysis        *reportAnalysis `json:"analysis,omitempty"`
}

// reportAnalysis is a call's analysis in its report; absent when the call
// has none.
type reportAnalysis struct {
	Status          string                          `json:"status"` // completed, failed, skipped, or pending when the wait ran out
	Summary         string                          `json:"summary,omitempty"`
	DurationSeconds float64                         `json:"durationSeconds"`
	StructuredData  json.RawMessage                 `json:"structuredData,omitempty"` // only data that follows the schema
	Evaluation      *persistence.AnalysisEvaluation `json:"evaluation,omitempty"`
	Errors          map[string]string               `json:"errors,omitempty"` // why a step has no result, by step
}

func newReportAnalysis(a *persistence.CallAnalysis, duration float64) *reportAnalysis {
	return &reportAnalysis{Status: a.Status, Summary: ptr.Value(a.Summary), DurationSeconds: duration, StructuredData: a.StructuredData,
		Evaluation: a.Evaluation, Errors: analysisErrors(a, "structuredData")}
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

// render builds a webhook's body from the call as stored now, in the
// call's webhook format.
func (d *Dispatcher) render(ctx context.Context, o persistence.OutboxRow, now time.Time) ([]byte, error) {
	c, err := d.opt.Store.LoadCall(ctx, o.CallID)
	if err != nil {
		return nil, err
	}
	switch c.WebhookFormat {
	case FormatVoiceDock:
		return d.renderVoiceDock(ctx, o, c, now)
	case FormatFamulor:
		return d.renderFamulor(ctx, o, c)
	}
	return d.renderSwitchboard(ctx, o, c, now)
}

// recordingURL is the link to the call's recording, "" when it has none or
// its webhooks leave it out.
func (d *Dispatcher) recordingURL(ctx context.Context, c persistence.CallRow) (string, error) {
	if d.opt.Recordings == nil || !c.WebhookRecording {
		return "", nil
	}
	u, err := d.opt.Recordings.RecordingURL(ctx, c.ID)
	if err != nil {
		return "", fmt.Errorf("recording of call %d: %w", c.ID, err)
	}
	return u, nil
}

// renderSwitchboard builds Burki's (Vapi's) message.
func (d *Dispatcher) renderSwitchboard(ctx context.Context, o persistence.OutboxRow, c persistence.CallRow, now time.Time) ([]byte, error) {
	var err error
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
		m.Consent, m.AnsweredBy = ptr.Value(c.Consent), ptr.Value(c.AnsweredBy)
		if c.DurationMS != nil {
			m.DurationSeconds = float64(*c.DurationMS) / 1000
		}
		if c.Analysis != nil {
			m.Analysis = newReportAnalysis(c.Analysis, m.DurationSeconds)
			m.Summary = m.Analysis.Summary
		}
		if m.RecordingURL, err = d.recordingURL(ctx, c); err != nil {
			return nil, err
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
