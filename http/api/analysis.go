package api

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/persistence"
)

// analysisResponse is a call's post-call analysis (analysis_settings).
type analysisResponse struct {
	// Status: pending (queued, running or due again), completed (every
	// step ran; a step may have ended in its own error), failed (the model
	// could not be reached) or skipped.
	Status              string                          `json:"status"`
	Summary             *string                         `json:"summary"`
	SummaryError        *string                         `json:"summary_error"`
	StructuredData      json.RawMessage                 `json:"structured_data"` // only data that validated against the schema
	StructuredDataError *string                         `json:"structured_data_error"`
	RejectedOutput      *string                         `json:"structured_data_output"` // the model's last answer that did not validate
	Evaluation          *persistence.AnalysisEvaluation `json:"evaluation"`
	EvaluationError     *string                         `json:"evaluation_error"`
	Error               *string                         `json:"error"` // why the last attempt failed, or why it was skipped
	Provider            *string                         `json:"provider"`
	Model               *string                         `json:"model"`
	PromptTokens        int                             `json:"prompt_tokens"`
	CompletionTokens    int                             `json:"completion_tokens"`
	Attempts            int                             `json:"attempts"`
	CreatedAt           time.Time                       `json:"created_at"`
	CompletedAt         *time.Time                      `json:"completed_at"`
}

func newAnalysisResponse(a persistence.CallAnalysis) analysisResponse {
	return analysisResponse{Status: a.Status, Summary: a.Summary, SummaryError: a.SummaryError,
		StructuredData: jsonOrNull(a.StructuredData), StructuredDataError: a.StructuredDataError, RejectedOutput: a.RejectedOutput,
		Evaluation: a.Evaluation, EvaluationError: a.EvaluationError, Error: a.LastError, Provider: a.Provider, Model: a.Model,
		PromptTokens: a.PromptTokens, CompletionTokens: a.CompletionTokens, Attempts: a.Attempts, CreatedAt: a.CreatedAt,
		CompletedAt: a.CompletedAt}
}

func (a *API) getCallAnalysis(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	out, err := a.Calls.GetCallAnalysis(c.UserContext(), row.OrganizationID, row.ID)
	if err != nil {
		return callFail(err, fmt.Sprintf("Analysis of call %d", row.ID))
	}
	return c.JSON(newAnalysisResponse(out))
}
