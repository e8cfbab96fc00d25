package analysis

import (
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

var shortCall = Call{
	Messages: []persistence.ChatMessageRow{
		{Role: "system", Content: "Be brief."}, {Role: "assistant", Content: "Hello."},
		{Role: "user", Content: " I want a refund. "}, {Role: "assistant"}, {Role: "tool", Content: "{}"},
		{Role: "assistant", Content: "Done."},
	},
	EndedReason:  "assistant-ended-call",
	Instructions: "Be brief.",
}

const shortTranscript = "Assistant: Hello.\nCaller: I want a refund.\nAssistant: Done."

func TestTranscript(t *testing.T) {
	if got := shortCall.Transcript(); got != shortTranscript {
		t.Fatalf("%q", got)
	}
	if got := (Call{Messages: []persistence.ChatMessageRow{{Role: "system", Content: "x"}}}).Transcript(); got != "(nothing was said)" {
		t.Fatalf("%q", got)
	}
}

func roles(msgs []voice.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Role))
	}
	return strings.Join(out, ",")
}

// The structured-data prompt: VoiceDock's messages templates with their
// placeholders, the call always given to the model, a user message last.
func TestStructuredMessages(t *testing.T) {
	s := assistant.Defaults().AnalysisSettings
	s.StructuredData.Schema = map[string]any{"type": "object", "properties": map[string]any{"refund": map[string]any{"type": "boolean"}}}
	const schema = `{"properties":{"refund":{"type":"boolean"}},"type":"object"}`
	for _, c := range []struct {
		name      string
		templates []assistant.AnalysisMessage
		roles     string
		check     func(msgs []voice.Message) bool
	}{
		{"built in", nil, "system,user", func(m []voice.Message) bool {
			return strings.HasSuffix(m[0].Content, "JSON Schema:\n"+schema) && strings.Contains(m[1].Content, shortTranscript) &&
				strings.HasSuffix(m[1].Content, "The call ended with: assistant-ended-call\n\n"+structuredTask)
		}},
		{"schema only (VoiceDock's example)", []assistant.AnalysisMessage{{Role: "system", Content: "Analyze the following call transcript according to this schema: {{schema}}"}},
			"system,user", func(m []voice.Message) bool {
				return m[0].Content == "Analyze the following call transcript according to this schema: "+schema &&
					strings.Contains(m[1].Content, shortTranscript)
			}},
		{"every placeholder", []assistant.AnalysisMessage{{Role: "system", Content: "Schema: {{ schema }}"},
			{Role: "user", Content: "Call ({{ended_reason}}):\n{{transcript}}\n{{unknown}}"}}, "system,user", func(m []voice.Message) bool {
			return m[0].Content == "Schema: "+schema && m[1].Content == "Call (assistant-ended-call):\n"+shortTranscript+"\n{{unknown}}"
		}},
		{"transcript in the system message", []assistant.AnalysisMessage{{Role: "system", Content: "{{transcript}} as {{schema}}"}},
			"system,user", func(m []voice.Message) bool {
				return m[0].Content == shortTranscript+" as "+schema && m[1].Content == structuredTask
			}},
	} {
		s.StructuredData.Messages = c.templates
		msgs := structuredMessages(s, shortCall)
		if roles(msgs) != c.roles || !c.check(msgs) {
			t.Errorf("%s: %+v", c.name, msgs)
		}
	}
}

func TestSummaryAndEvaluationMessages(t *testing.T) {
	s := assistant.Defaults().AnalysisSettings
	msgs := summaryMessages(s, shortCall)
	if msgs[0].Content != DefaultSummaryPrompt || !strings.HasSuffix(msgs[1].Content, summaryTask) {
		t.Fatalf("%+v", msgs)
	}
	own, blank := "In one line.", "  "
	s.Summary.Prompt, s.Evaluation.Prompt = &own, &blank
	if msgs := summaryMessages(s, shortCall); msgs[0].Content != own {
		t.Fatalf("%+v", msgs)
	}
	msgs = evaluationMessages(s, shortCall)
	if msgs[0].Content != DefaultEvaluationPrompt+"\n\nThe assistant's instructions:\nBe brief." || !strings.HasSuffix(msgs[1].Content, evaluationTask) {
		t.Fatalf("%+v", msgs)
	}
}
