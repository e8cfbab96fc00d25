package llmfallback

import "errors"

var (
	// ErrAllFailed is returned when every provider failed before its first
	// token; the providers' errors are joined to it.
	ErrAllFailed = errors.New("llmfallback: every provider failed")
	// ErrFirstTokenTimeout is a provider's failure to produce its first
	// token within the deadline.
	ErrFirstTokenTimeout = errors.New("llmfallback: no first token within the deadline")
	// ErrStalled is a provider falling silent mid-reply for longer than the
	// stall deadline.
	ErrStalled = errors.New("llmfallback: the reply stalled")
	// ErrNoProviders is returned by Generate on an LLM built without any.
	ErrNoProviders = errors.New("llmfallback: no providers")
)

// ErrUnknownProvider is returned by NewClient for a provider it does not know.
var ErrUnknownProvider = errors.New("llmfallback: unknown provider")
