// Package gemini streams replies from the Gemini API's
// streamGenerateContent method.
package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is the service's; the client appends /v1beta unless the
// base already names a version, then /models/{model}:streamGenerateContent.
const DefaultBaseURL = "https://generativelanguage.googleapis.com"

// Config says how to reach a model.
type Config struct {
	Model       string // e.g. gemini-2.5-flash; a "models/" prefix is accepted
	APIKey      string
	BaseURL     string        // "" for DefaultBaseURL; may carry a path prefix, e.g. to reach a fake
	HTTPClient  *http.Client  // nil: the shared sse.Client()
	IdleTimeout time.Duration // a silent stream fails after this; 0: sse.DefaultIdleTimeout
}

// Client streams replies from one model. It is safe for concurrent use.
type Client struct {
	model  string
	url    string
	header http.Header
	hc     *http.Client
	idle   time.Duration
}

var _ voice.LLM = (*Client)(nil)

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	model := strings.TrimPrefix(cfg.Model, "models/")
	switch {
	case model == "":
		return nil, fmt.Errorf("%w: no model", ErrConfig)
	case cfg.APIKey == "":
		return nil, fmt.Errorf("%w: no API key", ErrConfig)
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimRight(base, "/")
	if i := strings.LastIndex(base, "/"); !strings.HasPrefix(base[i+1:], "v1") {
		base += "/v1beta"
	}
	c := &Client{model: model, hc: cfg.HTTPClient, idle: cfg.IdleTimeout,
		url:    base + "/models/" + url.PathEscape(model) + ":streamGenerateContent?alt=sse",
		header: http.Header{"X-Goog-Api-Key": {cfg.APIKey}}}
	if _, err := url.Parse(c.url); err != nil {
		return nil, fmt.Errorf("%w: base URL: %w", ErrConfig, err)
	}
	if c.hc == nil {
		c.hc = sse.Client()
	}
	return c, nil
}

// Generate streams one reply through emit: LLMServed at the first token,
// TextDelta per text part, a ToolCallEvent per function call (they arrive
// whole), LLMUsage, then LLMDone with the finish reason. Errors from the
// service are *sse.StatusError, wrapped.
func (c *Client) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	start := time.Now()
	body, err := c.body(req)
	if err != nil {
		return fmt.Errorf("gemini: %w", err)
	}
	s, err := sse.Open(ctx, c.hc, sse.Request{URL: c.url, Header: c.header, Body: body, IdleTimeout: c.idle})
	if err != nil {
		return fail(ctx, err)
	}
	defer s.Close()
	d := decoder{model: c.model, start: start}
	if err := d.consume(s, emit); err != nil {
		return fail(ctx, err)
	}
	return nil
}

func fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The service answers a wrong key with 400 INVALID_ARGUMENT; report the
	// authentication failure it is, so that callers treat it like a 401.
	var se *sse.StatusError
	if errors.As(err, &se) && se.Code == "API_KEY_INVALID" {
		se.Status = http.StatusUnauthorized
	}
	return fmt.Errorf("gemini: %w", err)
}
