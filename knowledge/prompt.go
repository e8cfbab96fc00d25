package knowledge

import (
	"strings"
	"unicode/utf8"
)

// ToolName is the function offered to the model when retrieval is a tool
// call (rag_inject_before_llm off; Famulor's function_call mode).
const ToolName = "searchKnowledgeBase"

// NothingFound is what the model is told when no chunk is similar enough.
const NothingFound = "No relevant information was found in the knowledge base."

// contextHeading opens the context injected into the system prompt.
const contextHeading = "## Available Document Context\nAnswer from these excerpts of the assistant's documents when they are relevant; " +
	"do not invent facts they do not contain.\n"

// charsPerToken estimates tokens from characters (English text with
// OpenAI's tokenizers averages about four).
const charsPerToken = 4

// Format renders hits as excerpts for the model, best first, within
// maxTokens (estimated), separated by blank lines, each under its
// document's name when includeSource. An excerpt that does not fit whole
// is cut; those after it are left out. No hit gives "".
func Format(hits []Hit, includeSource bool, maxTokens int) string {
	if len(hits) == 0 {
		return ""
	}
	budget := maxTokens * charsPerToken
	var b strings.Builder
	for _, h := range hits {
		var head string
		if includeSource {
			head = "[Source: " + h.Document + "]\n"
		}
		need := utf8.RuneCountInString(head) + utf8.RuneCountInString(h.Content) + 2
		if need > budget {
			room := budget - utf8.RuneCountInString(head) - 3
			if room > 40 {
				b.WriteString(head)
				b.WriteString(cut(h.Content, room))
				b.WriteString("…\n\n")
			}
			break
		}
		b.WriteString(head)
		b.WriteString(h.Content)
		b.WriteString("\n\n")
		budget -= need
	}
	return strings.TrimSpace(b.String())
}

// Inject is the system prompt with the context of hits appended (within
// maxTokens); the prompt unchanged when there is none.
func Inject(system string, hits []Hit, includeSource bool, maxTokens int) string {
	ctx := Format(hits, includeSource, maxTokens)
	if ctx == "" {
		return system
	}
	if system == "" {
		return contextHeading + "\n" + ctx
	}
	return system + "\n\n" + contextHeading + "\n" + ctx
}

func cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
