package openai

import "errors"

var (
	// ErrUnknownProvider is returned by New for a provider outside the
	// OpenAI-compatible family.
	ErrUnknownProvider = errors.New("openai: unknown provider")
	// ErrConfig is returned by New for a configuration that cannot work:
	// no model, no key where one is needed, no base URL where one is needed.
	ErrConfig = errors.New("openai: invalid configuration")
	// ErrTruncated is returned for a stream that ended before the reply did.
	ErrTruncated = errors.New("openai: stream ended before the reply")
	// ErrMalformed is returned for a chunk that cannot be decoded.
	ErrMalformed = errors.New("openai: malformed chunk")
)
