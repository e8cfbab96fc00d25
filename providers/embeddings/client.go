// Package embeddings turns texts into vectors through OpenAI's embeddings
// API (POST {base}/embeddings), which OpenAI-compatible servers (vLLM,
// Ollama, LiteLLM…) also speak. A Client batches its inputs and retries
// what the service may accept later; a Chain tries the next key or
// endpoint when one is refused. embeddingsfake is its loopback fake.
package embeddings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/internal/backoff"
)

// DefaultBaseURL is OpenAI's.
const DefaultBaseURL = "https://api.openai.com/v1"

// Errors a request ends with.
var (
	// ErrRefused is an answer that another key or endpoint may not give
	// (a bad key, no access to the model, a quota spent, the service down
	// after every retry): a Chain tries the next.
	ErrRefused = errors.New("embeddings: refused")
	// ErrInvalid is a request the service rejects as such (4xx other than
	// those): no other key would do better.
	ErrInvalid = errors.New("embeddings: invalid request")
	// ErrConfig is a client that cannot be built.
	ErrConfig = errors.New("embeddings: bad configuration")
)

// Config says how to reach a model.
type Config struct {
	Model      string
	APIKey     string // "" only for a self-hosted server that needs none
	BaseURL    string // "": DefaultBaseURL
	HTTPClient *http.Client
	// MaxBatch is the most inputs in one request (96 when zero), and
	// MaxBatchChars the most characters (200,000 when zero: ~50k tokens).
	MaxBatch, MaxBatchChars int
	// Attempts is how many times one batch is tried (3 when zero);
	// Backoff spaces them (200 ms doubling to 5 s when zero), unless the
	// service says Retry-After.
	Attempts int
	Backoff  backoff.Policy
	Timeout  time.Duration // one request; 30 s when zero
}

// Client embeds texts with one model at one endpoint and key. It is safe
// for concurrent use.
type Client struct {
	cfg Config
	url string
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, fmt.Errorf("%w: no model", ErrConfig)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 96
	}
	if cfg.MaxBatchChars <= 0 {
		cfg.MaxBatchChars = 200_000
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff.Min <= 0 {
		cfg.Backoff.Min = 200 * time.Millisecond
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = 5 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Client{cfg: cfg, url: strings.TrimRight(cfg.BaseURL, "/") + "/embeddings"}, nil
}

// Model is the model the client asks for.
func (c *Client) Model() string { return c.cfg.Model }

// Embed returns one vector per text, in order, batching the texts into
// as few requests as the limits allow.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); {
		end, chars := start, 0
		for end < len(texts) && end-start < c.cfg.MaxBatch && (end == start || chars+len(texts[end]) <= c.cfg.MaxBatchChars) {
			chars += len(texts[end])
			end++
		}
		vecs, err := c.batch(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
		start = end
	}
	return out, nil
}

// batch embeds one request's texts, retrying what may pass later.
func (c *Client) batch(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(map[string]any{"model": c.cfg.Model, "input": texts, "encoding_format": "float"})
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	var last error
	for attempt := 1; ; attempt++ {
		vecs, wait, err := c.post(ctx, body, len(texts))
		if err == nil {
			return vecs, nil
		}
		last = err
		if wait < 0 || attempt >= c.cfg.Attempts {
			break
		}
		if wait == 0 {
			wait = c.cfg.Backoff.Wait(attempt, 0)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("embeddings: %w (after %w)", ctx.Err(), last)
		case <-t.C:
		}
	}
	if errors.Is(last, ErrInvalid) || errors.Is(last, ErrRefused) || ctx.Err() != nil {
		return nil, last
	}
	return nil, fmt.Errorf("%w: %w", ErrRefused, last) // unreachable after every retry: try elsewhere
}

// post sends one request. wait is < 0 when retrying cannot help, else
// the wait the service asked for (0: the client's backoff).
func (c *Client) post(ctx context.Context, body []byte, n int) (vecs [][]float32, wait time.Duration, err error) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, -1, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, fmt.Errorf("embeddings: %w", ctx.Err())
		}
		return nil, 0, fmt.Errorf("embeddings: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("embeddings: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, retryable(resp), statusError(resp.StatusCode, data)
	}
	vecs, err = decode(data, n)
	if err != nil {
		return nil, 0, err
	}
	return vecs, 0, nil
}

// retryable is the wait before trying a failed status again: < 0 for
// never, the service's Retry-After where it gives one.
func retryable(resp *http.Response) time.Duration {
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests, s == http.StatusRequestTimeout, s == http.StatusConflict, s >= 500:
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 && secs <= 60 {
			return time.Duration(secs) * time.Second
		}
		return 0
	}
	return -1
}

// statusError names a failed status with the service's message.
func statusError(status int, body []byte) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		msg = e.Error.Message
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	kind := ErrInvalid
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests, http.StatusPaymentRequired:
		kind = ErrRefused
	default:
		if status >= 500 || status == http.StatusRequestTimeout || status == http.StatusConflict {
			kind = ErrRefused
		}
	}
	return fmt.Errorf("%w: status %d: %s", kind, status, msg)
}

// decode reads the answer's vectors into input order.
func decode(data []byte, n int) ([][]float32, error) {
	var r struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: malformed answer: %w", ErrRefused, err)
	}
	if len(r.Data) != n {
		return nil, fmt.Errorf("%w: %d embeddings for %d inputs", ErrRefused, len(r.Data), n)
	}
	out := make([][]float32, n)
	for _, d := range r.Data {
		switch {
		case d.Index < 0 || d.Index >= n || out[d.Index] != nil:
			return nil, fmt.Errorf("%w: embedding index %d out of place", ErrRefused, d.Index)
		case len(d.Embedding) == 0 || (d.Index > 0 && out[0] != nil && len(d.Embedding) != len(out[0])):
			return nil, fmt.Errorf("%w: embedding %d has %d dimensions", ErrRefused, d.Index, len(d.Embedding))
		}
		out[d.Index] = d.Embedding
	}
	for i := 1; i < n; i++ {
		if len(out[i]) != len(out[0]) {
			return nil, fmt.Errorf("%w: embeddings of %d and %d dimensions", ErrRefused, len(out[0]), len(out[i]))
		}
	}
	return out, nil
}

// Embedder embeds texts: a Client or a Chain.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Chain tries its clients in order (each with its own retries), moving
// to the next when one is refused; an invalid request is not tried
// elsewhere.
type Chain []Embedder

// Embed implements Embedder.
func (ch Chain) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	var errs []error
	for _, e := range ch {
		vecs, err := e.Embed(ctx, texts)
		if err == nil {
			return vecs, nil
		}
		errs = append(errs, err)
		if !errors.Is(err, ErrRefused) || ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%w: no key or endpoint to embed with", ErrConfig)
	}
	return nil, errors.Join(errs...)
}
