package deepgram

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError,
// wrapped with %w so errors.Is and errors.As see the cause.
var (
	// ErrMalformed is a server message that is not the JSON we expect.
	ErrMalformed = errors.New("deepgram: malformed message")
	// ErrClosed is returned by a stream's methods after Close or after its
	// context ended.
	ErrClosed = errors.New("deepgram: stream closed")
	// ErrNoKey is an empty API key.
	ErrNoKey = errors.New("deepgram: no API key")
	// ErrFormat is audio the service cannot take raw.
	ErrFormat = errors.New("deepgram: unsupported audio format")
	// ErrDropped is a lost connection; the stream reconnects by itself.
	ErrDropped = errors.New("deepgram: connection dropped")
	// ErrGaveUp ends a stream whose reconnections kept failing.
	ErrGaveUp = errors.New("deepgram: gave up reconnecting")
	// ErrStalled is a connection on which audio went unanswered for
	// Config.StallTimeout; it is dropped and replaced.
	ErrStalled = errors.New("deepgram: service stopped answering")
	// ErrAudioDropped reports audio discarded because the service fell more
	// than Config.MaxBuffered behind; words in it are lost.
	ErrAudioDropped = errors.New("deepgram: audio dropped, service too far behind")
	// ErrUnexpectedClose is the service closing a connection the stream had
	// not asked to close.
	ErrUnexpectedClose = errors.New("deepgram: connection closed by the service")
)

// StatusError is a websocket handshake the service refused. Status tells
// authentication (401, 403) from rate limiting (429) and outages (5xx).
type StatusError struct {
	Status     int
	Code       string        // err_code from the body, e.g. INVALID_AUTH
	Message    string        // err_msg from the body, or the dg-error header
	RequestID  string        // dg-request-id, for Deepgram support
	RetryAfter time.Duration // from a 429's Retry-After header
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Code != "" {
		return fmt.Sprintf("deepgram: handshake refused: %d %s: %s", e.Status, e.Code, msg)
	}
	return fmt.Sprintf("deepgram: handshake refused: %d: %s", e.Status, msg)
}

// Retryable reports whether trying again later may succeed: rate limits,
// timeouts and server errors, not authentication or bad parameters.
func (e *StatusError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout || e.Status >= 500
}

// ServerError is an error the service reported on an open connection: a
// Flux Error message, or a close frame with a reason (NET-0001 and friends).
type ServerError struct {
	Code        string // Flux code, e.g. INTERNAL_SERVER_ERROR; or the close code
	Description string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("deepgram: service error %s: %s", e.Code, e.Description)
}
