package soniox

import (
	"errors"
	"fmt"

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
type StatusError = sttsocket.StatusError

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
