package cartesia

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrClosed is returned by Speak after the session's Close.
	ErrClosed = errors.New("cartesia: session closed")
	// ErrBusy is returned by Speak while another utterance is being spoken.
	ErrBusy = errors.New("cartesia: an utterance is already being spoken")
	// ErrEnded is returned by Send after End, Cancel or a failure.
	ErrEnded = errors.New("cartesia: utterance already ended")
	// ErrQueueFull is returned by Send when the socket's write queue is full
	// (the network is not keeping up).
	ErrQueueFull = errors.New("cartesia: send queue full")
	// ErrFormat is returned by OpenTTS for an output format it cannot produce.
	ErrFormat = errors.New("cartesia: unsupported audio format")
	// ErrConnection reports a connection that failed or closed before the
	// utterance was complete.
	ErrConnection = errors.New("cartesia: connection lost")
	// ErrStalled reports a service that stopped sending while audio was owed.
	ErrStalled = errors.New("cartesia: service stalled")
	// ErrProtocol reports a message from the service that could not be read.
	ErrProtocol = errors.New("cartesia: malformed message")
	// ErrService reports an error message sent by the service for the
	// utterance's context; it wraps a *StatusError.
	ErrService = errors.New("cartesia: service error")
)

// StatusError is an HTTP status from the service: refusing the websocket
// handshake, or in an error message for a context. Callers tell 401 from
// 429 from 5xx with errors.As.
type StatusError struct {
	StatusCode int
	Message    string        // the service's explanation, if it gave one
	RetryAfter time.Duration // from a 429's Retry-After header, if any
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("cartesia: HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("cartesia: HTTP %d: %s", e.StatusCode, e.Message)
}
