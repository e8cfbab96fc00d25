package geminifake

import (
	"bytes"
	"encoding/json"
	"strings"
)

// GenerateRequest is a GenerateContentRequest as the service reads it;
// pointers tell absent fields from zero ones, so tests can assert what a
// client sent. Field names are the API's JSON names (the service also
// accepts the proto's snake_case names, which Check validates but this
// type does not decode).
type GenerateRequest struct {
	Contents          []Content         `json:"contents"`
	SystemInstruction *Content          `json:"systemInstruction"`
	Tools             []Tool            `json:"tools"`
	ToolConfig        json.RawMessage   `json:"toolConfig"`
	GenerationConfig  *GenerationConfig `json:"generationConfig"`
}

// Content is one turn.
type Content struct {
	Role  string `json:"role"`
	Parts []Part `json:"parts"`
}

// Part is a piece of a turn.
type Part struct {
	Text             *string           `json:"text"`
	Thought          bool              `json:"thought"`
	FunctionCall     *FunctionCall     `json:"functionCall"`
	FunctionResponse *FunctionResponse `json:"functionResponse"`
	ThoughtSignature string            `json:"thoughtSignature"`
}

// FunctionCall is the model calling a function.
type FunctionCall struct {
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

// FunctionResponse is a function's result.
type FunctionResponse struct {
	ID       string          `json:"id,omitempty"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

// Tool holds function declarations.
type Tool struct {
	FunctionDeclarations []FunctionDeclaration `json:"functionDeclarations"`
}

// FunctionDeclaration is a function offered to the model.
type FunctionDeclaration struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// GenerationConfig holds the sampling settings.
type GenerationConfig struct {
	Temperature      *float64 `json:"temperature"`
	TopP             *float64 `json:"topP"`
	TopK             *int     `json:"topK"`
	MaxOutputTokens  *int     `json:"maxOutputTokens"`
	StopSequences    []string `json:"stopSequences"`
	PresencePenalty  *float64 `json:"presencePenalty"`
	FrequencyPenalty *float64 `json:"frequencyPenalty"`
	// Structured output: JSON (responseMimeType application/json),
	// following responseSchema (the API's Schema) or responseJsonSchema.
	ResponseMimeType   *string         `json:"responseMimeType"`
	ResponseSchema     json.RawMessage `json:"responseSchema"`
	ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
}

// Schema is the structured output's schema: responseSchema or
// responseJsonSchema when the reply is to be JSON, any object when only
// JSON is asked for, nil for prose.
func (r *GenerateRequest) Schema() map[string]any {
	g := r.GenerationConfig
	if g == nil || g.ResponseMimeType == nil || *g.ResponseMimeType != "application/json" {
		return nil
	}
	var s map[string]any
	for _, raw := range []json.RawMessage{g.ResponseSchema, g.ResponseJSONSchema} {
		if len(raw) > 0 {
			_ = json.Unmarshal(raw, &s)
		}
	}
	if s == nil {
		s = map[string]any{"type": "object"}
	}
	return s
}

// Text joins a turn's text parts, thoughts excluded.
func (c Content) Text() string {
	var b strings.Builder
	for _, p := range c.Parts {
		if p.Text != nil && !p.Thought {
			b.WriteString(*p.Text)
		}
	}
	return b.String()
}

// Output is a function response as text: its "output" if it is a string,
// else its JSON.
func (r FunctionResponse) Output() string {
	var obj struct {
		Output json.RawMessage `json:"output"`
	}
	if json.Unmarshal(r.Response, &obj) == nil && obj.Output != nil {
		var s string
		if json.Unmarshal(obj.Output, &s) == nil {
			return s
		}
		return string(obj.Output)
	}
	var b bytes.Buffer
	if json.Compact(&b, r.Response) != nil {
		return string(r.Response)
	}
	return b.String()
}

// Streamed chunks, fields in the service's order.
type (
	response struct {
		Candidates    []candidate `json:"candidates"`
		UsageMetadata usage       `json:"usageMetadata"`
		ModelVersion  string      `json:"modelVersion"`
		ResponseID    string      `json:"responseId"`
	}
	candidate struct {
		Content      outContent `json:"content"`
		FinishReason string     `json:"finishReason,omitempty"`
		Index        int        `json:"index"`
	}
	outContent struct {
		Parts []outPart `json:"parts"`
		Role  string    `json:"role"`
	}
	outPart struct {
		Text             *string       `json:"text,omitempty"`
		FunctionCall     *FunctionCall `json:"functionCall,omitempty"`
		ThoughtSignature string        `json:"thoughtSignature,omitempty"`
	}
	usage struct {
		PromptTokenCount     int             `json:"promptTokenCount"`
		CandidatesTokenCount int             `json:"candidatesTokenCount,omitempty"`
		TotalTokenCount      int             `json:"totalTokenCount"`
		PromptTokensDetails  []modalityCount `json:"promptTokensDetails"`
	}
	modalityCount struct {
		Modality   string `json:"modality"`
		TokenCount int    `json:"tokenCount"`
	}
)
