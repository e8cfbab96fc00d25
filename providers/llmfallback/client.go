package llmfallback

import (
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-voice/switchboard/providers/anthropic"
	"github.com/switchboard-voice/switchboard/providers/gemini"
	"github.com/switchboard-voice/switchboard/providers/openai"
	"github.com/switchboard-voice/switchboard/voice"
)

// Spec names a provider and model the way an assistant's configuration
// does (llm_provider and llm_provider_config, or one of
// llm_fallback_providers), secrets already opened.
type Spec struct {
	Provider    string // openai, azure, groq, xai, custom, anthropic or gemini
	Model       string
	APIKey      string
	BaseURL     string         // "" for the provider's own
	Custom      map[string]any // custom_config: Azure's deployment and api_version
	HTTPClient  *http.Client   // nil: the shared streaming client
	IdleTimeout time.Duration  // 0: the clients' default
}

// NewClient returns the client for spec's provider.
func NewClient(spec Spec) (voice.LLM, error) {
	var (
		c   voice.LLM
		err error
	)
	switch spec.Provider {
	case "anthropic":
		c, err = nonNil(anthropic.New(anthropic.Config{Model: spec.Model, APIKey: spec.APIKey, BaseURL: spec.BaseURL, HTTPClient: spec.HTTPClient, IdleTimeout: spec.IdleTimeout}))
	case "gemini":
		c, err = nonNil(gemini.New(gemini.Config{Model: spec.Model, APIKey: spec.APIKey, BaseURL: spec.BaseURL, HTTPClient: spec.HTTPClient, IdleTimeout: spec.IdleTimeout}))
	case "openai", "azure", "groq", "xai", "custom":
		c, err = nonNil(openai.New(openai.Config{Provider: spec.Provider, Model: spec.Model, APIKey: spec.APIKey, BaseURL: spec.BaseURL,
			Custom: spec.Custom, HTTPClient: spec.HTTPClient, IdleTimeout: spec.IdleTimeout}))
	default:
		err = fmt.Errorf("%w: %q", ErrUnknownProvider, spec.Provider)
	}
	return c, err
}

// nonNil keeps a failed constructor's nil pointer out of the interface.
func nonNil[T voice.LLM](c T, err error) (voice.LLM, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}
