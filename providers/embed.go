package providers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
	"github.com/switchboard-voice/switchboard/voice"
)

// embeddingProvider serves rag_settings.embedding_model: OpenAI's
// embeddings API, at the environment's OpenAI endpoint if it names one
// (SWITCHBOARD_OPENAI_BASE_URL: an OpenAI-compatible server, or a fake).
const embeddingProvider = "openai"

// Embedder returns what embeds texts with the configuration's
// rag_settings.embedding_model: a chain over every OpenAI key the
// assistant may use, in the order the language model clients try them
// (the assistant's own, its organization's, the environment's), so that a
// refused or exhausted key falls back to the next. orgID scopes the
// organization's keys.
func (s *Set) Embedder(ctx context.Context, orgID int64, cfg assistant.Config) (embeddings.Embedder, error) {
	own := []string{cfg.APIKeys[keyName(embeddingProvider)]}
	if cfg.LLMProvider == embeddingProvider {
		own = append(own, ptr.Value(cfg.LLMProviderConfig.APIKey))
	}
	cands := s.env.candidates(embeddingProvider, own, nil, s.organization(ctx, &voice.CallInfo{OrganizationID: orgID}))
	base := s.env.bases[embeddingProvider]
	if len(cands) == 0 {
		if base == "" {
			return nil, fmt.Errorf("embeddings: %w: set api_keys.%s, the organization's provider_keys.%s or %s",
				ErrNoKey, keyName(embeddingProvider), keyName(embeddingProvider), envKeys[embeddingProvider])
		}
		cands = []candidate{{source: fromEnvironment}}
	}
	chain := make(embeddings.Chain, 0, len(cands))
	for _, c := range cands {
		cl, err := embeddings.New(embeddings.Config{Model: cfg.RAGSettings.EmbeddingModel, APIKey: c.key, BaseURL: base,
			HTTPClient: s.embedClient()})
		if err != nil {
			return nil, err
		}
		chain = append(chain, cl)
	}
	return chain, nil
}

// embedClient is the HTTP client of embedding requests: the operator's
// endpoint, so no tenant guard, and pooled connections kept warm for the
// query embeddings of calls.
func (s *Set) embedClient() *http.Client {
	s.embedOnce.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		s.embedHTTP = &http.Client{Transport: t}
	})
	return s.embedHTTP
}
