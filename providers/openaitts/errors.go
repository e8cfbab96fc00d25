package openaitts

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrClosed is returned by Speak after the session's Close.
	ErrClosed = errors.New("openaitts: session closed")
	// ErrBusy is returned by Speak while another utterance is being spoken.
	ErrBusy = errors.New("openaitts: an utterance is already being spoken")
	// ErrEnded is returned by Send after End, Cancel or a failure.
	ErrEnded = errors.New("openaitts: utterance already ended")
	// ErrFormat is returned by OpenTTS for an output format it cannot produce.
	ErrFormat = errors.New("openaitts: unsupported audio format")
	// ErrConnection reports a request that failed or a response cut short.
	ErrConnection = errors.New("openaitts: connection lost")
	// ErrStalled reports a service that stopped sending while audio was owed.
	ErrStalled = errors.New("openaitts: service stalled")
)

// StatusError is the service answering a request with an HTTP error
// status, so that callers can tell 401 from 429 from 5xx (errors.As).
type StatusError struct {
	StatusCode int
	Message    string        // the service's explanation, if it gave one
	RetryAfter time.Duration // from a 429's Retry-After header, if any
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("openaitts: HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("openaitts: HTTP %d: %s", e.StatusCode, e.Message)
}
