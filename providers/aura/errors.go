package aura

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrClosed is returned by Speak after the session's Close.
	ErrClosed = errors.New("aura: session closed")
	// ErrBusy is returned by Speak while another utterance is being spoken.
	ErrBusy = errors.New("aura: an utterance is already being spoken")
	// ErrEnded is returned by Send after End, Cancel or a failure.
	ErrEnded = errors.New("aura: utterance already ended")
	// ErrQueueFull is returned by Send when the socket's write queue is full
	// (the network is not keeping up).
	ErrQueueFull = errors.New("aura: send queue full")
	// ErrFormat is returned by OpenTTS for an output format it cannot produce.
	ErrFormat = errors.New("aura: unsupported audio format")
	// ErrConnection reports a connection that failed or closed before the
	// utterance was complete.
	ErrConnection = errors.New("aura: connection lost")
	// ErrStalled reports a service that stopped sending while audio was owed.
	ErrStalled = errors.New("aura: service stalled")
	// ErrProtocol reports a message from the service that could not be read.
	ErrProtocol = errors.New("aura: malformed message")
	// ErrService reports an error message sent by the service on the socket.
	ErrService = errors.New("aura: service error")
)

// StatusError is the service refusing the websocket handshake with an HTTP
// status, so that callers can tell 401 from 429 from 5xx (errors.As).
type StatusError struct {
	StatusCode int
	Message    string        // the service's explanation, if it gave one
	RetryAfter time.Duration // from a 429's Retry-After header, if any
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("aura: HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("aura: HTTP %d: %s", e.StatusCode, e.Message)
}
