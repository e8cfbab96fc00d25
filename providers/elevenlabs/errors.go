package elevenlabs

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrClosed is returned by Speak after the session's Close.
	ErrClosed = errors.New("elevenlabs: session closed")
	// ErrBusy is returned by Speak while another utterance is being spoken.
	ErrBusy = errors.New("elevenlabs: an utterance is already being spoken")
	// ErrEnded is returned by Send after End, Cancel or a failure.
	ErrEnded = errors.New("elevenlabs: utterance already ended")
	// ErrQueueFull is returned by Send when the socket's write queue is full
	// (the network is not keeping up).
	ErrQueueFull = errors.New("elevenlabs: send queue full")
	// ErrFormat is returned by OpenTTS for an output format it cannot produce.
	ErrFormat = errors.New("elevenlabs: unsupported audio format")
	// ErrConnection reports a connection that failed or closed before the
	// utterance was complete.
	ErrConnection = errors.New("elevenlabs: connection lost")
	// ErrStalled reports a service that stopped sending while audio was owed.
	ErrStalled = errors.New("elevenlabs: service stalled")
	// ErrProtocol reports a message from the service that could not be read.
	ErrProtocol = errors.New("elevenlabs: malformed message")
	// ErrService reports an error message sent by the service on the socket.
	ErrService = errors.New("elevenlabs: service error")
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
		return fmt.Sprintf("elevenlabs: HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("elevenlabs: HTTP %d: %s", e.StatusCode, e.Message)
}
