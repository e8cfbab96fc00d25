package soniox

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError;
// the stream's own (ErrDropped, ErrGaveUp, …) are sttsocket's.
var (
	// ErrMalformed is a server message that is not the JSON we expect.
	ErrMalformed = errors.New("soniox: malformed message")
	// ErrNoKey is an empty API key.
	ErrNoKey = errors.New("soniox: no API key")
	// ErrFormat is audio the service cannot take raw.
	ErrFormat = errors.New("soniox: unsupported audio format")
)

// StatusError is a websocket handshake the service refused.
type StatusError struct {
	Status     int
	Message    string
	RetryAfter time.Duration // from a 429's Retry-After header
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("soniox: handshake refused: %d: %s", e.Status, msg)
}

// Retryable reports whether trying again later may succeed: rate limits,
// timeouts and server errors, not authentication or bad requests.
func (e *StatusError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout || e.Status >= 500
}

// RetryDelay implements sttsocket.Refusal.
func (e *StatusError) RetryDelay() time.Duration { return e.RetryAfter }

// serverError is an error response on an open connection, which Soniox
// closes right after it: {"error_code": 503, "error_message": "..."}.
// Codes 400–403 (bad configuration, bad key, no credit, forbidden) will
// not pass on a new connection; 408, 429 and 5xx (503 "Cannot continue
// request … restart the request") may.
func serverError(code int, msg string) *sttsocket.ServerError {
	return &sttsocket.ServerError{
		Provider: "soniox", Code: fmt.Sprint(code), Description: msg,
		Permanent: code >= 400 && code <= 403,
	}
}
