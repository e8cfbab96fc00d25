package speechmatics

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/providers/speechmatics/speechmaticsfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// A StartRecognition the service refuses fails OpenSTT at once.
func TestStartRefused(t *testing.T) {
	srv, base := startFake(t, speechmaticsfake.Config{})
	s := settings()
	s.Model = "turbo" // not an operating point
	var rec stttest.Recorder
	_, err := New(Config{}).OpenSTT(context.Background(), voice.STTOptions{Settings: s, Format: voice.Telephony, Key: stttest.Key, BaseURL: base}, rec.Emit)
	var se *sttsocket.ServerError
	if !errors.As(err, &se) || se.Code != "invalid_config" || !se.Permanent {
		t.Fatalf("OpenSTT: %v", err)
	}
	if n := len(srv.Sessions()); n != 1 {
		t.Fatalf("%d sessions", n)
	}
}

func TestRegionHosts(t *testing.T) {
	for region, want := range map[string]string{"eu": "wss://eu2.rt.speechmatics.com/v2", "us": "wss://us2.rt.speechmatics.com/v2"} {
		u, err := sttsocket.URL("", hosts[region], path)
		if err != nil || u.String() != want {
			t.Errorf("%s: %v %v", region, u, err)
		}
	}
}
