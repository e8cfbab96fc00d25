package gemini

import "errors"

var (
	// ErrConfig is returned by New for a configuration that cannot work.
	ErrConfig = errors.New("gemini: invalid configuration")
	// ErrTruncated is returned for a stream that ended before the reply did.
	ErrTruncated = errors.New("gemini: stream ended before the reply")
	// ErrMalformed is returned for a chunk that cannot be decoded.
	ErrMalformed = errors.New("gemini: malformed chunk")
)
