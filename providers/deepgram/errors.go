package deepgram

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError,
// wrapped with %w so errors.Is and errors.As see the cause.
var (
	// ErrMalformed is a server message that is not the JSON we expect.
	ErrMalformed = errors.New("deepgram: malformed message")
	// ErrClosed is returned by a stream's methods after Close or after its
	// context ended.
	ErrClosed = sttsocket.ErrClosed
	// ErrNoKey is an empty API key.
	ErrNoKey = errors.New("deepgram: no API key")
	// ErrFormat is audio the service cannot take raw.
	ErrFormat = errors.New("deepgram: unsupported audio format")
	// ErrDropped is a lost connection; the stream reconnects by itself.
	ErrDropped = sttsocket.ErrDropped
	// ErrGaveUp ends a stream whose reconnections kept failing.
	ErrGaveUp = sttsocket.ErrGaveUp
	// ErrStalled is a connection on which audio went unanswered for
	// Config.StallTimeout; it is dropped and replaced.
	ErrStalled = sttsocket.ErrStalled
	// ErrAudioDropped reports audio discarded because the service fell more
	// than Config.MaxBuffered behind; words in it are lost.
	ErrAudioDropped = sttsocket.ErrAudioDropped
	// ErrUnexpectedClose is the service closing a connection the stream had
	// not asked to close.
	ErrUnexpectedClose = sttsocket.ErrUnexpectedClose
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

// RetryDelay implements sttsocket.Refusal.
func (e *StatusError) RetryDelay() time.Duration { return e.RetryAfter }

// ServerError is an error the service reported on an open connection: a
// Flux Error message, or a close frame with a reason (NET-0001 and friends).
type ServerError = sttsocket.ServerError
