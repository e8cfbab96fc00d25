package call

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// summaryTimeout bounds the model's summary for a warm transfer; without
// one in time the agent gets a generic brief.
const summaryTimeout = 8 * time.Second

const summaryPrompt = "You are briefing a human agent who is about to take over this phone call. " +
	"In at most two short sentences, say who is calling and what they need. Plain speech, no lists."

// summarise asks the model for a brief of the conversation for a human
// agent, falling back to a generic one.
func summarise(ctx context.Context, llm voice.LLM, history []voice.Message) string {
	var transcript strings.Builder
	for _, m := range history {
		if (m.Role == voice.RoleUser || m.Role == voice.RoleAssistant) && m.Content != "" {
			transcript.WriteString(string(m.Role) + ": " + m.Content + "\n")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, summaryTimeout)
	defer cancel()
	var out strings.Builder
	err := llm.Generate(ctx, voice.LLMRequest{Messages: []voice.Message{
		{Role: voice.RoleSystem, Content: summaryPrompt},
		{Role: voice.RoleUser, Content: transcript.String()},
	}}, func(ev voice.LLMEvent) {
		if d, ok := ev.(*voice.TextDelta); ok {
			out.WriteString(d.Text)
		}
	})
	if err != nil || strings.TrimSpace(out.String()) == "" {
		return "A caller is being transferred to you by the assistant."
	}
	return strings.TrimSpace(out.String())
}
