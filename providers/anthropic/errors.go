package anthropic

import "errors"

var (
	// ErrConfig is returned by New for a configuration that cannot work.
	ErrConfig = errors.New("anthropic: invalid configuration")
	// ErrTruncated is returned for a stream that ended before the message did.
	ErrTruncated = errors.New("anthropic: stream ended before the message")
	// ErrMalformed is returned for an event that cannot be decoded.
	ErrMalformed = errors.New("anthropic: malformed event")
)
