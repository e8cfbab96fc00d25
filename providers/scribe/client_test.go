package scribe

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/providers/scribe/scribefake"
	"github.com/switchboard-voice/switchboard/voice"
)

// A configuration the service refuses fails OpenSTT at once, for good.
func TestSessionRefused(t *testing.T) {
	srv, base := startFake(t, scribefake.Config{})
	s := settings()
	s.Model = "scribe_v1" // not a realtime model
	var rec stttest.Recorder
	_, err := New(Config{}).OpenSTT(context.Background(), voice.STTOptions{Settings: s, Format: voice.Telephony, Key: stttest.Key, BaseURL: base}, rec.Emit)
	var se *sttsocket.ServerError
	if !errors.As(err, &se) || se.Code != "input_error" || !se.Permanent {
		t.Fatalf("OpenSTT: %v", err)
	}
	if n := len(srv.Sessions()); n != 1 {
		t.Fatalf("%d sessions", n)
	}
}
