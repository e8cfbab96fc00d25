package providers

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/providers/llmfallback"
	"github.com/switchboard-voice/switchboard/voice"
)

// LLM implements call.Providers. The model is built at its first
// generation, off the call's actor, since finding the organization's keys
// may need the database; a call keeps it, so a sticky fallback lasts the
// call.
func (s *Set) LLM(c *voice.CallInfo, cfg assistant.Config) (voice.LLM, error) {
	return s.lazy(c, cfg, llmfallback.Options{FirstTokenTimeout: s.cfg.FirstTokenTimeout})
}

// OfflineFirstTokenTimeout is how long a model with fallbacks may take to
// its first token, off a call's hot path, before the next is tried: long
// enough for a long prompt (a whole call's transcript) not to cost a
// second provider.
const OfflineFirstTokenTimeout = 30 * time.Second

// OfflineLLM is LLM for work that follows a call (its analysis): the same
// model, keys and fallbacks, but no caller waiting on the first token.
func (s *Set) OfflineLLM(c *voice.CallInfo, cfg assistant.Config) (voice.LLM, error) {
	return s.lazy(c, cfg, llmfallback.Options{FirstTokenTimeout: OfflineFirstTokenTimeout, StallTimeout: OfflineFirstTokenTimeout})
}

func (s *Set) lazy(c *voice.CallInfo, cfg assistant.Config, deadlines llmfallback.Options) (voice.LLM, error) {
	if _, ok := envKeys[cfg.LLMProvider]; !ok {
		return nil, fmt.Errorf("llm: %w: %q", ErrUnknownProvider, cfg.LLMProvider)
	}
	return &lazyLLM{set: s, info: *c, cfg: &cfg, deadlines: deadlines}, nil
}

type lazyLLM struct {
	set  *Set
	info voice.CallInfo
	// cfg is what the model is made from, let go of once it is made: the
	// call keeps its own copy, and a configuration is 2.4 KB.
	cfg       *assistant.Config
	deadlines llmfallback.Options // each provider's first-token deadline (with fallbacks) and stall deadline

	mu  sync.Mutex
	llm voice.LLM
}

func (l *lazyLLM) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	llm, err := l.model(ctx)
	if err != nil {
		return err
	}
	return llm.Generate(ctx, req, emit)
}

func (l *lazyLLM) model(ctx context.Context) (voice.LLM, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.llm != nil {
		return l.llm, nil
	}
	llm, err := l.set.buildLLM(ctx, &l.info, *l.cfg, l.deadlines)
	if err != nil {
		return nil, err
	}
	l.llm, l.cfg = llm, nil
	return llm, nil
}

// buildLLM makes the configuration's model: the primary and its
// fallbacks, if any, behind llmfallback, which also cuts off a stalled
// reply.
func (s *Set) buildLLM(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, opts llmfallback.Options) (voice.LLM, error) {
	org := s.organization(ctx, c)
	pc := cfg.LLMProviderConfig
	primary, err := s.llmClient(ctx, llmfallback.Spec{Provider: cfg.LLMProvider, Model: pc.Model, BaseURL: ptr.Value(pc.BaseURL),
		Custom: pc.CustomConfig}, ptr.Value(pc.APIKey), cfg, org)
	if err != nil {
		return nil, fmt.Errorf("llm: %s: %w", cfg.LLMProvider, err)
	}
	opts.Clock, opts.Sticky = s.cfg.Clock, true
	chain := []llmfallback.Provider{{Name: cfg.LLMProvider, LLM: primary}}
	fb := cfg.LLMFallbackProviders
	if !fb.Enabled {
		return llmfallback.New(opts, chain...), nil
	}
	for i, f := range fb.Fallbacks {
		model := ptr.Value(f.Model)
		if model == "" && f.Provider == cfg.LLMProvider {
			model = pc.Model
		}
		if model == "" {
			s.cfg.Log.Warn("llm fallback skipped: no model for a provider other than the primary's", "call_id", c.ID,
				"fallback", i, "provider", f.Provider)
			continue
		}
		llm, err := s.llmClient(ctx, llmfallback.Spec{Provider: f.Provider, Model: model, BaseURL: ptr.Value(f.BaseURL)}, ptr.Value(f.APIKey), cfg, org)
		if err != nil {
			s.cfg.Log.Warn("llm fallback skipped", "call_id", c.ID, "fallback", i, "provider", f.Provider, "err", err)
			continue
		}
		chain = append(chain, llmfallback.Provider{Name: f.Provider, LLM: llm})
	}
	return llmfallback.New(opts, chain...), nil
}

// llmClient completes spec with its key and endpoint and makes its client.
func (s *Set) llmClient(ctx context.Context, spec llmfallback.Spec, explicit string, cfg assistant.Config, org *organization.Settings) (voice.LLM, error) {
	base, err := s.endpoint(ctx, spec.Provider, spec.BaseURL)
	if err != nil {
		return nil, err
	}
	spec.BaseURL = base
	cands := s.env.candidates(spec.Provider, []string{explicit, cfg.APIKeys[keyName(spec.Provider)]}, nil, org)
	switch {
	case len(cands) > 0:
		spec.APIKey = cands[0].key
	case spec.BaseURL == "":
		return nil, fmt.Errorf("%w: set its api_key, api_keys.%s, the organization's provider_keys.%s or %s",
			ErrNoKey, keyName(spec.Provider), keyName(spec.Provider), envKeys[spec.Provider])
	}
	return llmfallback.NewClient(spec)
}
