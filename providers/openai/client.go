// Package openai streams chat completions from OpenAI and the services that
// speak its Chat Completions API: Azure OpenAI, Groq, xAI, and any
// OpenAI-compatible server (vLLM, Ollama…).
package openai

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// Providers of the family and their base URLs; azure and custom have none.
var baseURLs = map[string]string{
	"openai": "https://api.openai.com/v1",
	"groq":   "https://api.groq.com/openai/v1",
	"xai":    "https://api.x.ai/v1",
	"azure":  "",
	"custom": "",
}

// DefaultAzureAPIVersion is the Azure OpenAI api-version used unless
// Custom["api_version"] names another.
const DefaultAzureAPIVersion = "2024-10-21"

// Config says how to reach a model.
type Config struct {
	Provider string // openai, azure, groq, xai or custom
	Model    string // for azure, the deployment unless Custom["deployment"] is set
	APIKey   string // optional for custom only
	// BaseURL overrides the provider's, e.g. to reach a fake; required for
	// azure (https://{resource}.openai.azure.com) and custom
	// (e.g. http://localhost:8000/v1).
	BaseURL string
	// Custom is the assistant's custom_config: for azure, "deployment" and
	// "api_version" (default DefaultAzureAPIVersion).
	Custom      map[string]any
	HTTPClient  *http.Client  // nil: the shared sse.Client()
	IdleTimeout time.Duration // a silent stream fails after this; 0: sse.DefaultIdleTimeout
}

// Client streams chat completions from one provider and model. It is safe
// for concurrent use.
type Client struct {
	provider, model string
	url             string
	header          http.Header
	azure           bool
	hc              *http.Client
	idle            time.Duration
}

var _ voice.LLM = (*Client)(nil)

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	base, ok := baseURLs[cfg.Provider]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProvider, cfg.Provider)
	}
	if cfg.BaseURL != "" {
		base = cfg.BaseURL
	}
	base = strings.TrimRight(base, "/")
	switch {
	case cfg.Model == "":
		return nil, fmt.Errorf("%w: %s: no model", ErrConfig, cfg.Provider)
	case base == "":
		return nil, fmt.Errorf("%w: %s: a base URL is required", ErrConfig, cfg.Provider)
	case cfg.APIKey == "" && cfg.Provider != "custom":
		return nil, fmt.Errorf("%w: %s: no API key", ErrConfig, cfg.Provider)
	}
	c := &Client{provider: cfg.Provider, model: cfg.Model, hc: cfg.HTTPClient, idle: cfg.IdleTimeout, header: http.Header{}}
	if c.hc == nil {
		c.hc = sse.Client()
	}
	if cfg.Provider == "azure" {
		c.azure = true
		dep, ver := cfg.Model, DefaultAzureAPIVersion
		if s, ok := cfg.Custom["deployment"].(string); ok && s != "" {
			dep = s
		}
		if s, ok := cfg.Custom["api_version"].(string); ok && s != "" {
			ver = s
		}
		base = strings.TrimSuffix(base, "/openai")
		c.url = base + "/openai/deployments/" + url.PathEscape(dep) + "/chat/completions?api-version=" + url.QueryEscape(ver)
		c.header.Set("api-key", cfg.APIKey)
	} else {
		c.url = base + "/chat/completions"
		if cfg.APIKey != "" {
			c.header.Set("Authorization", "Bearer "+cfg.APIKey)
		}
	}
	if _, err := url.Parse(c.url); err != nil {
		return nil, fmt.Errorf("%w: %s: base URL: %w", ErrConfig, cfg.Provider, err)
	}
	return c, nil
}

// Generate streams one reply through emit: LLMServed at the first token,
// TextDelta per content delta, each complete ToolCallEvent, LLMUsage, then
// LLMDone. Errors from the service are *sse.StatusError, wrapped.
func (c *Client) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	start := time.Now()
	body, err := c.body(req)
	if err != nil {
		return fmt.Errorf("%s: %w", c.provider, err)
	}
	s, err := sse.Open(ctx, c.hc, sse.Request{URL: c.url, Header: c.header, Body: body, IdleTimeout: c.idle})
	if err != nil {
		return c.fail(ctx, err)
	}
	defer s.Close()
	d := decoder{provider: c.provider, model: c.model, start: start}
	if err := d.consume(s, emit); err != nil {
		return c.fail(ctx, err)
	}
	s.Drain()
	return nil
}

func (c *Client) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("%s: %w", c.provider, err)
}
