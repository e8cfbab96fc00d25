package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/voice"
)

// searchKnowledge runs searchKnowledgeBase: the excerpts of the
// assistant's documents most similar to the model's query, per
// rag_settings (search_limit, similarity_threshold, include_metadata,
// context_window_tokens).
func (r *Runner) searchKnowledge(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, tc voice.ToolCall) (string, error) {
	if r.Knowledge == nil {
		return "", errors.New("the knowledge base is not available")
	}
	var args struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal([]byte(tc.Arguments), &args); err != nil || strings.TrimSpace(args.Query) == "" {
		return "", errors.New(`the arguments must be {"query": "what to look for"}`)
	}
	hits, err := r.Knowledge.Search(ctx, c.OrganizationID, c.AssistantID, cfg, args.Query)
	if err != nil {
		r.log().Warn("knowledge base search failed", "call_id", c.ID, "err", err)
		return "", errors.New("the knowledge base could not be searched just now")
	}
	rs := cfg.RAGSettings
	if out := knowledge.Format(hits, rs.IncludeMetadata, rs.ContextWindowTokens); out != "" {
		return out, nil
	}
	return knowledge.NothingFound, nil
}
