package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/llmfallback"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxTokens bounds each answer: a summary, an evaluation or the extracted
// data of one call, with room for a reasoning model's thinking. 4096 is
// the smallest output limit among the models the providers still serve
// (Claude 3 Haiku's); a larger value would be refused there.
const maxTokens = 4096

// evaluationSchema is what the evaluation step asks for.
var evaluationSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"successful": map[string]any{"type": "boolean", "description": "Whether the call achieved its goal."},
		"reason":     map[string]any{"type": "string", "description": "Why, in one sentence."},
	},
	"required":             []any{"successful", "reason"},
	"additionalProperties": false,
}

var evaluationCheck = mustCompile(evaluationSchema)

func mustCompile(s map[string]any) *schemacheck.Schema {
	c, err := schemacheck.Compile(s)
	if err != nil {
		panic(err)
	}
	return c
}

// Steps reports whether settings enable any step.
func Steps(s assistant.AnalysisSettings) bool {
	return s.Summary.Enabled || s.StructuredData.Enabled || s.Evaluation.Enabled
}

// Analyze runs the steps settings enable on llm that done does not hold
// yet, and returns done completed with them and the tokens they used. A
// step the model cannot answer (its answer does not follow the schema
// twice, or the provider refuses the request itself) ends with its own
// error in the result. Any other failure to reach the model is returned,
// with the steps finished before it in the result, so that a later
// attempt does only what is left.
func Analyze(ctx context.Context, llm voice.LLM, s assistant.AnalysisSettings, c Call, done persistence.AnalysisResult) (persistence.AnalysisResult, persistence.Usage, error) {
	a := &analyzer{llm: llm, result: done}
	r := &a.result
	var err error
	if s.Summary.Enabled && r.Summary == nil && r.SummaryError == nil {
		err = a.summary(ctx, summaryMessages(s, c))
	}
	if err == nil && s.StructuredData.Enabled && r.StructuredData == nil && r.StructuredDataError == nil {
		err = a.structuredData(ctx, s.StructuredData.Schema, structuredMessages(s, c))
	}
	if err == nil && s.Evaluation.Enabled && r.Evaluation == nil && r.EvaluationError == nil {
		err = a.evaluation(ctx, evaluationMessages(s, c))
	}
	return a.result, a.usage, err
}

// analyzer runs one attempt's steps.
type analyzer struct {
	llm    voice.LLM
	result persistence.AnalysisResult
	usage  persistence.Usage
}

func (a *analyzer) summary(ctx context.Context, msgs []voice.Message) error {
	text, err := a.ask(ctx, voice.LLMRequest{Messages: msgs, Settings: settings()})
	if problem, err := refused(err); err != nil {
		return err
	} else if problem != "" {
		a.result.SummaryError = &problem
		return nil
	}
	text = strings.TrimSpace(text)
	if text == "" {
		problem := "the model answered with no summary"
		a.result.SummaryError = &problem
		return nil
	}
	a.result.Summary = &text
	return nil
}

func (a *analyzer) structuredData(ctx context.Context, schema map[string]any, msgs []voice.Message) error {
	check, err := schemacheck.Compile(schema)
	if err != nil {
		problem := fmt.Sprintf("the schema is not usable: %v", err)
		a.result.StructuredDataError = &problem
		return nil
	}
	out := &voice.StructuredOutput{Name: "structured_data", Description: "The data the call gives, as the schema describes it.", Schema: schema}
	doc, rejected, problem, err := a.extract(ctx, msgs, out, check)
	switch {
	case err != nil:
		return err
	case problem != "":
		a.result.StructuredDataError, a.result.RejectedOutput = &problem, rejected
	default:
		a.result.StructuredData = doc
	}
	return nil
}

func (a *analyzer) evaluation(ctx context.Context, msgs []voice.Message) error {
	out := &voice.StructuredOutput{Name: "evaluation", Description: "Whether the call achieved its goal, and why.", Schema: evaluationSchema}
	doc, _, problem, err := a.extract(ctx, msgs, out, evaluationCheck)
	switch {
	case err != nil:
		return err
	case problem != "":
		a.result.EvaluationError = &problem
		return nil
	}
	var e persistence.AnalysisEvaluation
	if err := json.Unmarshal(doc, &e); err != nil { // validated: cannot fail
		return fmt.Errorf("analysis: evaluation: %w", err)
	}
	a.result.Evaluation = &e
	return nil
}

// extract asks for out and checks the answer; an answer that does not
// follow the schema is sent back once with what is wrong with it. It
// returns the valid document (compacted), or the problem and the last
// answer; err is a failure to reach the model.
func (a *analyzer) extract(ctx context.Context, msgs []voice.Message, out *voice.StructuredOutput, check *schemacheck.Schema) (doc []byte, rejected *string, problem string, err error) {
	req := voice.LLMRequest{Messages: msgs, Settings: settings(), Output: out}
	var invalid error
	for try := range 2 {
		text, err := a.ask(ctx, req)
		if problem, err := refused(err); err != nil || problem != "" {
			return nil, nil, problem, err
		}
		answer := unfence(text)
		if invalid = check.Validate([]byte(answer)); invalid == nil {
			var b bytes.Buffer
			_ = json.Compact(&b, []byte(answer)) // valid JSON: cannot fail
			return b.Bytes(), nil, "", nil
		}
		rejected = &text
		if try == 0 {
			req.Messages = append(append([]voice.Message(nil), msgs...),
				voice.Message{Role: voice.RoleAssistant, Content: text},
				voice.Message{Role: voice.RoleUser, Content: fmt.Sprintf("That answer does not follow the JSON Schema: %v. "+
					"Answer again with one JSON object that follows the schema; leave out what the call does not say.", invalid)})
		}
	}
	return nil, rejected, fmt.Sprintf("the model's answer does not follow the schema, even after it was told why: %v", invalid), nil
}

// ask runs one request and returns the reply's text, adding its tokens
// and the model that answered to the result.
func (a *analyzer) ask(ctx context.Context, req voice.LLMRequest) (string, error) {
	var b strings.Builder
	err := a.llm.Generate(ctx, req, func(e voice.LLMEvent) {
		switch e := e.(type) {
		case *voice.TextDelta:
			b.WriteString(e.Text)
		case *voice.LLMUsage:
			a.usage.PromptTokens += e.PromptTokens
			a.usage.CompletionTokens += e.CompletionTokens
		case *voice.LLMServed:
			provider, model := e.Provider, e.Model
			a.result.Provider, a.result.Model = &provider, &model
		}
	})
	return b.String(), err
}

// refused sorts a request's error: nil stays nil; a refusal the request
// itself caused (a 4xx other than the ones another try may cure) becomes
// the step's problem, since asking again would fail again; anything else
// (no connection, a 5xx, a rate limit, cancellation) is returned, for the
// attempt to be retried.
func refused(err error) (string, error) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || llmfallback.Retryable(err) {
		return "", err
	}
	return secrets.Scrub(fmt.Sprintf("the provider refused the request: %v", err)), nil // providers echo keys
}

// settings are the analysis' generation settings: deterministic, with
// room for a whole answer, and no stop sequence to cut it.
func settings() assistant.LLMSettings {
	return assistant.LLMSettings{Temperature: 0, MaxTokens: maxTokens}
}

// unfence takes the JSON out of a Markdown code fence, which some models
// wrap it in.
func unfence(text string) string {
	t := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(t, "```"); ok {
		rest = strings.TrimPrefix(rest, "json")
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	}
	return t
}
