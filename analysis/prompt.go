package analysis

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

// The built-in instructions, used when analysis_settings give none.
const (
	DefaultSummaryPrompt = "You are an expert note-taker. You will be given the transcript of a phone call between a caller " +
		"and an AI assistant. Summarize the call in two or three sentences: why the caller called, what was done, and " +
		"what happens next. Use only what the transcript says."
	DefaultStructuredDataPrompt = "You are an expert data extractor. You will be given the transcript of a phone call. " +
		"Extract the data the JSON Schema below describes, from the call only: leave out what the call does not say " +
		"rather than guess.\n\nJSON Schema:\n{{schema}}"
	DefaultEvaluationPrompt = "You are an expert call evaluator. You will be given the transcript of a phone call between " +
		"a caller and an AI assistant, and the assistant's instructions. Judge whether the call achieved what the " +
		"instructions set out to do, and say why in one sentence."
)

// transcriptIntro opens the message that carries the call.
const transcriptIntro = "Transcript of the call:"

// Call is what an analysis reads of a call.
type Call struct {
	// Messages are the conversation as stored (chat_messages): the
	// caller's and the assistant's messages with text are its transcript.
	Messages    []persistence.ChatMessageRow
	EndedReason string
	// Instructions are the assistant's system prompt, for the evaluation.
	Instructions string
}

// Transcript renders the caller's and the assistant's messages, one per
// line: "Caller: …" and "Assistant: …". System and tool messages, and an
// assistant's tool calls without text, are not part of it.
func (c Call) Transcript() string {
	var b strings.Builder
	for _, m := range c.Messages {
		text := strings.TrimSpace(m.Content)
		if text == "" {
			continue
		}
		switch m.Role {
		case string(voice.RoleUser):
			b.WriteString("Caller: ")
		case string(voice.RoleAssistant):
			b.WriteString("Assistant: ")
		default:
			continue
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return "(nothing was said)"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// The tasks that close each step's call message.
const (
	summaryTask    = "Summarize this call."
	structuredTask = "Extract the data from this call."
	evaluationTask = "Evaluate this call."
)

// callMessage is the user message that gives the model the call, and
// what to do with it.
func (c Call) callMessage(task string) voice.Message {
	return voice.Message{Role: voice.RoleUser, Content: transcriptIntro + "\n\n" + c.Transcript() +
		"\n\nThe call ended with: " + c.EndedReason + "\n\n" + task}
}

// summaryMessages ask for the summary: the instruction, then the call.
func summaryMessages(s assistant.AnalysisSettings, c Call) []voice.Message {
	prompt := DefaultSummaryPrompt
	if p := s.Summary.Prompt; p != nil && strings.TrimSpace(*p) != "" {
		prompt = *p
	}
	return []voice.Message{{Role: voice.RoleSystem, Content: prompt}, c.callMessage(summaryTask)}
}

// evaluationMessages ask for the evaluation: the instruction with the
// assistant's own, then the call.
func evaluationMessages(s assistant.AnalysisSettings, c Call) []voice.Message {
	prompt := DefaultEvaluationPrompt
	if p := s.Evaluation.Prompt; p != nil && strings.TrimSpace(*p) != "" {
		prompt = *p
	}
	if strings.TrimSpace(c.Instructions) != "" {
		prompt += "\n\nThe assistant's instructions:\n" + c.Instructions
	}
	return []voice.Message{{Role: voice.RoleSystem, Content: prompt}, c.callMessage(evaluationTask)}
}

// placeholder matches {{schema}}, {{transcript}} and {{ended_reason}},
// spaces inside the braces allowed.
var placeholder = regexp.MustCompile(`\{\{\s*(schema|transcript|ended_reason)\s*\}\}`)

// structuredMessages ask for the structured data: the configured messages
// with their placeholders filled in, or the built-in ones. The call is
// added as a last user message when no message carries {{transcript}}, so
// the model always sees it; a request ends with a user message, which
// some providers require.
func structuredMessages(s assistant.AnalysisSettings, c Call) []voice.Message {
	schema, _ := json.Marshal(s.StructuredData.Schema) // plain JSON values: cannot fail
	values := map[string]string{"schema": string(schema), "transcript": c.Transcript(), "ended_reason": c.EndedReason}
	templates := s.StructuredData.Messages
	if len(templates) == 0 {
		templates = []assistant.AnalysisMessage{{Role: string(voice.RoleSystem), Content: DefaultStructuredDataPrompt}}
	}
	var out []voice.Message
	hasCall, hasUser := false, false
	for _, t := range templates {
		hasUser = hasUser || t.Role == string(voice.RoleUser)
		content := placeholder.ReplaceAllStringFunc(t.Content, func(m string) string {
			name := placeholder.FindStringSubmatch(m)[1]
			hasCall = hasCall || name == "transcript"
			return values[name]
		})
		out = append(out, voice.Message{Role: voice.Role(t.Role), Content: content})
	}
	switch {
	case !hasCall:
		out = append(out, c.callMessage(structuredTask))
	case !hasUser:
		out = append(out, voice.Message{Role: voice.RoleUser, Content: structuredTask})
	}
	return out
}
