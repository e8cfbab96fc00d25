// Package anthropic streams replies from Anthropic's Messages API.
package anthropic

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

// DefaultBaseURL is the service's; the client appends /v1/messages (or
// /messages to a base that already ends in /v1).
const DefaultBaseURL = "https://api.anthropic.com"

// Version is the anthropic-version header sent.
const Version = "2023-06-01"

// Config says how to reach a model.
type Config struct {
	Model       string
	APIKey      string
	BaseURL     string        // "" for DefaultBaseURL; may carry a path prefix, e.g. to reach a fake
	HTTPClient  *http.Client  // nil: the shared sse.Client()
	IdleTimeout time.Duration // a silent stream fails after this; 0: sse.DefaultIdleTimeout
}

// Client streams messages from one model. It is safe for concurrent use.
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
	switch {
	case cfg.Model == "":
		return nil, fmt.Errorf("%w: no model", ErrConfig)
	case cfg.APIKey == "":
		return nil, fmt.Errorf("%w: no API key", ErrConfig)
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimRight(base, "/")
	if !strings.HasSuffix(base, "/v1") {
		base += "/v1"
	}
	c := &Client{model: cfg.Model, url: base + "/messages", hc: cfg.HTTPClient, idle: cfg.IdleTimeout,
		header: http.Header{"X-Api-Key": {cfg.APIKey}, "Anthropic-Version": {Version}}}
	if _, err := url.Parse(c.url); err != nil {
		return nil, fmt.Errorf("%w: base URL: %w", ErrConfig, err)
	}
	if c.hc == nil {
		c.hc = sse.Client()
	}
	return c, nil
}

// Generate streams one reply through emit: LLMServed at the first token,
// TextDelta per text delta, a ToolCallEvent as each tool_use block
// completes, LLMUsage, then LLMDone with the stop reason. With structured
// output, the forced tool's input arrives as the text. Errors from the
// service are *sse.StatusError, wrapped.
func (c *Client) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	start := time.Now()
	body, err := c.body(req)
	if err != nil {
		return fmt.Errorf("anthropic: %w", err)
	}
	s, err := sse.Open(ctx, c.hc, sse.Request{URL: c.url, Header: c.header, Body: body, IdleTimeout: c.idle})
	if err != nil {
		return fail(ctx, err)
	}
	defer s.Close()
	d := decoder{model: c.model, start: start}
	if req.Output != nil {
		d.output = req.Output.Name
	}
	if err := d.consume(s, emit); err != nil {
		return fail(ctx, err)
	}
	s.Drain()
	return nil
}

func fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("anthropic: %w", err)
}
