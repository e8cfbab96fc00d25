package speechmatics

import (
	"errors"
	"slices"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError;
// the stream's own (ErrDropped, ErrGaveUp, …) are sttsocket's.
var (
	// ErrMalformed is a server message that is not the JSON we expect.
	ErrMalformed = errors.New("speechmatics: malformed message")
	// ErrNoKey is an empty API key.
	ErrNoKey = errors.New("speechmatics: no API key")
	// ErrFormat is audio the service cannot take raw (it takes pcm_s16le,
	// pcm_f32le and mulaw, not A-law).
	ErrFormat = errors.New("speechmatics: unsupported audio format")
	// ErrNotStarted is a connection whose StartRecognition was answered by
	// something other than RecognitionStarted or Error.
	ErrNotStarted = errors.New("speechmatics: recognition did not start")
)

// StatusError is a websocket handshake the service refused: 400, 401 (bad
// key), 405, or an outage.
type StatusError = sttsocket.StatusError

// permanentErrors are Error types a new connection would meet again.
var permanentErrors = []string{
	"invalid_message", "invalid_model", "invalid_config", "invalid_audio_type", "invalid_output_format",
	"not_authorised", "insufficient_funds", "not_allowed", "protocol_error", "timelimit_exceeded",
}

// serverError is an Error message; the service closes the connection after
// it. quota_exceeded, job_error, idle_timeout and the like may pass.
func serverError(typ, reason string) *sttsocket.ServerError {
	return &sttsocket.ServerError{
		Provider: "speechmatics", Code: typ, Description: reason,
		Permanent: slices.Contains(permanentErrors, typ),
	}
}
