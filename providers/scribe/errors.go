package scribe

import (
	"errors"
	"slices"
	"strings"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError;
// the stream's own (ErrDropped, ErrGaveUp, …) are sttsocket's.
var (
	// ErrMalformed is a server message that is not the JSON we expect.
	ErrMalformed = errors.New("scribe: malformed message")
	// ErrNoKey is an empty API key.
	ErrNoKey = errors.New("scribe: no API key")
	// ErrFormat is audio Scribe cannot take (it takes 16-bit PCM at
	// 8–48 kHz and μ-law at 8 kHz, not A-law).
	ErrFormat = errors.New("scribe: unsupported audio format")
	// ErrNotStarted is a connection answered by something other than
	// session_started or an error.
	ErrNotStarted = errors.New("scribe: session did not start")
	// ErrThrottled is commit_throttled: commits came too fast; the
	// connection goes on.
	ErrThrottled = errors.New("scribe: commit throttled")
)

// StatusError is a websocket handshake the service refused: 401 or 403
// (bad key), 429, or an outage.
type StatusError = sttsocket.StatusError

// permanentErrors are error kinds a new connection would meet again.
var permanentErrors = []string{
	"auth_error", "quota_exceeded", "input_error", "invalid_request", "unaccepted_terms", "chunk_size_exceeded",
}

// errorKind is an error message's kind: its message_type without the
// older "scribe_" prefix, and "" for a message that is not an error.
func errorKind(messageType string) string {
	k := strings.TrimPrefix(messageType, "scribe_")
	if k == "error" || strings.HasSuffix(k, "_error") || slices.Contains(transientErrors, k) || slices.Contains(permanentErrors, k) {
		return k
	}
	return ""
}

// transientErrors are error kinds that end the connection but may pass on
// a new one.
var transientErrors = []string{
	"rate_limited", "resource_exhausted", "queue_overflow", "session_time_limit_exceeded",
	"insufficient_audio_activity", "commit_throttled", "transcriber_error",
}

// serverError is an error message; the service closes after it.
func serverError(kind, msg string) *sttsocket.ServerError {
	return &sttsocket.ServerError{
		Provider: "elevenlabs", Code: kind, Description: msg,
		Permanent: slices.Contains(permanentErrors, kind),
	}
}
