package call

import (
	"context"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/voice"
)

// Knowledge searches an assistant's documents (*knowledge.Retriever).
type Knowledge interface {
	Search(ctx context.Context, orgID, assistantID int64, cfg assistant.Config, query string) ([]knowledge.Hit, error)
	Warm(ctx context.Context, orgID, assistantID int64, cfg assistant.RAGSettings) error
}

// retrievalBudget bounds retrieval before a reply: past it the model
// answers without the documents rather than keep the caller waiting.
const retrievalBudget = 1500 * time.Millisecond

// injects tells whether a configuration puts its documents into the
// prompt before each reply (rag_inject_before_llm; Famulor's prompt
// mode), rather than offering them as the searchKnowledgeBase tool.
func injects(cfg *assistant.Config) bool {
	return cfg.RAGSettings.Enabled && cfg.RAGSettings.RAGInjectBeforeLLM
}

// warmKnowledge loads the assistant's index off the call, so the first
// retrieval finds it ready.
func (a *callActor) warmKnowledge(cfg assistant.Config) {
	if !cfg.RAGSettings.Enabled || a.mgr.Knowledge == nil {
		return
	}
	kn, org, id := a.mgr.Knowledge, a.spec.OrganizationID, a.spec.AssistantID
	a.mgr.goTracked(a.log, func() {
		if err := kn.Warm(a.ctx, org, id, cfg.RAGSettings); err != nil && a.ctx.Err() == nil {
			a.log.Warn("knowledge index not loaded", "err", err)
		}
	})
}

// withKnowledge returns messages with the excerpts found for the caller's
// last words appended to the system prompt (rag_settings: search_limit,
// similarity_threshold, include_metadata, context_window_tokens). It runs
// in the generation's goroutine, before the model is asked: the query's
// embedding is its one network step, bounded by retrievalBudget. Without
// a hit, or on an error, the messages are unchanged.
func (a *callActor) withKnowledge(ctx context.Context, cfg assistant.Config, info voice.CallInfo, messages []voice.Message) []voice.Message {
	query := ""
	for i := len(messages) - 1; i >= 0; i-- {
		if messages[i].Role == voice.RoleUser {
			query = messages[i].Content
			break
		}
	}
	if query == "" || len(messages) == 0 || messages[0].Role != voice.RoleSystem {
		return messages
	}
	rctx, cancel := context.WithTimeout(ctx, retrievalBudget)
	defer cancel()
	started := time.Now()
	hits, err := a.mgr.Knowledge.Search(rctx, info.OrganizationID, info.AssistantID, cfg, query)
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("knowledge not retrieved: answering without it", "err", err, "after", time.Since(started))
		}
		return messages
	}
	rs := cfg.RAGSettings
	a.log.Debug("knowledge retrieved", "hits", len(hits), "took", time.Since(started))
	if len(hits) == 0 {
		return messages
	}
	out := slices.Clone(messages)
	out[0].Content = knowledge.Inject(out[0].Content, hits, rs.IncludeMetadata, rs.ContextWindowTokens)
	return out
}
