package ttstest

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/fault"
)

// wrongKey is the key the handshake scenarios expect refused.
const wrongKey = "nope"

// Handshake is how the handshake scenarios reach a websocket TTS client.
type Handshake struct {
	// Open opens a session with key on a new fake whose first handshake
	// meets f (none if f.Kind is fault.None), and returns OpenTTS's error.
	Open func(t *testing.T, key string, f fault.Fault) error
	Key  string // the key the fake accepts
	// StatusOf is the HTTP status of the client's *StatusError, 0 if none.
	StatusOf func(error) int
	// Check, if set, checks more of a refusal with an HTTP status.
	Check         func(t *testing.T, kind fault.Kind, err error)
	WrongKey      string // what the service says when refusing a wrong key
	ErrConnection error  // wrapped when the handshake fails without a status
}

// HandshakeFaults checks that a refused handshake reads as the service's
// HTTP status, that a wrong key is refused without being repeated, and that
// a connection refused outright wraps ErrConnection.
func HandshakeFaults(t *testing.T, h Handshake) {
	for _, c := range []struct {
		kind   fault.Kind
		status int
	}{
		{fault.Unauthorized, 401}, {fault.RateLimited, 429}, {fault.ServerError, 500}, {fault.Unavailable, 503},
	} {
		t.Run(c.kind.String(), func(t *testing.T) {
			err := h.Open(t, h.Key, fault.Fault{Kind: c.kind})
			if h.StatusOf(err) != c.status {
				t.Fatalf("err %v, want HTTP %d", err, c.status)
			}
			if h.Check != nil {
				h.Check(t, c.kind, err)
			}
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		err := h.Open(t, wrongKey, fault.Fault{})
		if h.StatusOf(err) != 401 || !strings.Contains(err.Error(), h.WrongKey) {
			t.Fatalf("err %v", err)
		}
		if strings.Contains(err.Error(), wrongKey) {
			t.Error("the key leaked into the error")
		}
	})
	t.Run("refuse", func(t *testing.T) {
		if err := h.Open(t, h.Key, fault.Fault{Kind: fault.Refuse}); !errors.Is(err, h.ErrConnection) {
			t.Fatalf("err %v", err)
		}
	})
}
