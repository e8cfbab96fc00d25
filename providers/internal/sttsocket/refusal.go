package sttsocket

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// StatusError is a websocket handshake the service refused, for providers
// whose refusals carry nothing but a status, a body and Retry-After.
type StatusError struct {
	Provider   string // names the error, as the provider's package does
	Status     int
	Message    string
	RetryAfter time.Duration // from a 429's Retry-After header
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s: handshake refused: %d: %s", e.Provider, e.Status, msg)
}

// Retryable reports whether trying again later may succeed: rate limits,
// timeouts and server errors, not authentication or bad requests.
func (e *StatusError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout || e.Status >= 500
}

// RetryDelay implements Refusal.
func (e *StatusError) RetryDelay() time.Duration { return e.RetryAfter }

// ReadStatus returns an Options.Refused that reads a refused handshake into
// a *StatusError named provider.
func ReadStatus(provider string) func(*http.Response) error {
	return func(resp *http.Response) error {
		e := &StatusError{Provider: provider, Status: resp.StatusCode}
		if b, err := io.ReadAll(io.LimitReader(resp.Body, 4096)); err == nil {
			e.Message = string(b)
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
}
