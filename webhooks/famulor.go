package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
)

// Famulor's post-call webhook (docs.famulor.io, "Post-Call Webhook"): one
// flat payload after the call, its id the call's integer id. Its
// extracted_variables hold the post_call_schema's values (the analysis's
// structured data) and, as Famulor's post-call evaluation gives them,
// "status" (whether the call reached its goal) and "summary".

type famulorReport struct {
	ID                 int64             `json:"id"`
	CustomerPhone      *string           `json:"customer_phone"`
	AssistantPhone     *string           `json:"assistant_phone"`
	Duration           int64             `json:"duration"` // seconds
	Status             string            `json:"status"`   // completed, busy, failed, no-answer, canceled
	ExtractedVariables map[string]any    `json:"extracted_variables"`
	InputVariables     map[string]string `json:"input_variables"`
	Transcript         []famulorLine     `json:"transcript"`
	RecordingURL       *string           `json:"recording_url,omitempty"`
	CreatedAt          time.Time         `json:"created_at"`
	FinishedAt         time.Time         `json:"finished_at"`
}

type famulorLine struct {
	Text      string  `json:"text"`
	Type      string  `json:"type"`   // transcript
	Sender    string  `json:"sender"` // bot or human
	Timestamp float64 `json:"timestamp"`
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (d *Dispatcher) renderFamulor(ctx context.Context, o persistence.OutboxRow, c persistence.CallRow) ([]byte, error) {
	if o.Type != persistence.WebhookEndOfCall {
		return nil, fmt.Errorf("no Famulor webhook of type %q", o.Type)
	}
	m := famulorReport{ID: c.ID, CustomerPhone: nonEmpty(c.CustomerNumber), AssistantPhone: nonEmpty(c.AssistantNumber),
		Status: c.Status, ExtractedVariables: map[string]any{}, InputVariables: map[string]string{}, Transcript: []famulorLine{},
		CreatedAt: c.CreatedAt, FinishedAt: c.UpdatedAt}
	if c.DurationMS != nil {
		m.Duration = (*c.DurationMS + 500) / 1000
	}
	if a := c.Analysis; a != nil {
		if len(a.StructuredData) > 0 {
			if err := json.Unmarshal(a.StructuredData, &m.ExtractedVariables); err != nil {
				return nil, fmt.Errorf("structured data of call %d: %w", c.ID, err)
			}
		}
		if a.Evaluation != nil {
			m.ExtractedVariables["status"] = a.Evaluation.Successful
		}
		if a.Summary != nil {
			m.ExtractedVariables["summary"] = *a.Summary
		}
	}
	if c.DialID != nil && d.opt.Variables != nil {
		vars, err := d.opt.Variables.DialVariables(ctx, c.OrganizationID, *c.DialID)
		switch {
		case err == nil:
			m.InputVariables = vars
		case !errors.Is(err, persistence.ErrNotFound): // expired: a day after the dial
			return nil, fmt.Errorf("variables of call %d: %w", c.ID, err)
		}
	}
	u, err := d.recordingURL(ctx, c)
	if err != nil {
		return nil, err
	}
	m.RecordingURL = nonEmpty(u)
	lines, err := d.opt.Store.ListTranscripts(ctx, c.OrganizationID, c.ID, "")
	if err != nil {
		return nil, err
	}
	start := c.CreatedAt
	if c.StartedAt != nil {
		start = *c.StartedAt
	}
	for _, t := range lines {
		sender := "human"
		if t.Speaker == "assistant" {
			sender = "bot"
		}
		at := start.Add(time.Duration(t.SegmentStart * float64(time.Second)))
		m.Transcript = append(m.Transcript, famulorLine{Text: t.Content, Type: "transcript", Sender: sender,
			Timestamp: float64(at.UnixMicro()) / 1e6})
	}
	return json.Marshal(m)
}
