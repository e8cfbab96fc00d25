package sttsocket

import (
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// Sentinel errors. Stream errors reach the engine inside voice.STTError,
// wrapped with %w so errors.Is and errors.As see the cause.
var (
	// ErrClosed is returned by a stream's methods after Close or after its
	// context ended.
	ErrClosed = errors.New("stt: stream closed")
	// ErrDropped is a lost connection; the stream reconnects by itself.
	ErrDropped = errors.New("stt: connection dropped")
	// ErrGaveUp ends a stream whose reconnections kept failing.
	ErrGaveUp = errors.New("stt: gave up reconnecting")
	// ErrStalled is a connection on which audio went unanswered for
	// Config.StallTimeout; it is dropped and replaced.
	ErrStalled = errors.New("stt: service stopped answering")
	// ErrAudioDropped reports audio discarded because the service fell more
	// than Config.MaxBuffered behind; words in it are lost.
	// It wraps voice.ErrAudioLost.
	ErrAudioDropped = fmt.Errorf("stt: audio dropped, service too far behind: %w", voice.ErrAudioLost)
	// ErrUnexpectedClose is the service closing a connection the stream had
	// not asked to close.
	ErrUnexpectedClose = errors.New("stt: connection closed by the service")
	// ErrUnsupported is a control the service has no message for.
	ErrUnsupported = errors.New("stt: not supported by this service")
)

// Refusal is a provider's error for a handshake it refused.
type Refusal interface {
	error
	// Retryable reports whether trying again later may succeed.
	Retryable() bool
	// RetryDelay is the least wait before trying again (a 429's
	// Retry-After); 0 for none.
	RetryDelay() time.Duration
}

// ServerError is an error the service reported on an open connection: an
// error message, or a close frame with a reason. It ends the connection;
// Permanent ones (bad key, bad configuration) end the stream too, since a
// new connection would be refused the same way.
type ServerError struct {
	Provider    string
	Code        string
	Description string
	Permanent   bool
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("%s: service error %s: %s", e.Provider, e.Code, e.Description)
}
