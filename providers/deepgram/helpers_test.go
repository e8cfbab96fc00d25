package deepgram

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "dg-test-key"

// testConfig reconnects fast and never gives up waiting on Close in tests.
var testConfig = Config{BackoffMin: time.Millisecond, BackoffMax: 5 * time.Millisecond, CloseTimeout: 10 * time.Second}

// startFake runs a fake under a path prefix for one test.
func startFake(t *testing.T, cfg deepgramfake.Config) (*deepgramfake.Server, string) {
	cfg.Key = testKey
	return faketest.StartAt(t, deepgramfake.Start, cfg, "/deepgram")
}

// v1Settings are the defaults, tuned for short tests and unpunctuated text.
func v1Settings() assistant.STTSettings {
	s := assistant.Defaults().STTSettings
	s.Punctuate, s.SmartFormat = false, false
	s.Endpointing.SilenceThreshold = 300
	return s
}

func fluxSettings() assistant.STTSettings {
	s := v1Settings()
	s.Model = "flux-general-en"
	s.FluxConfig.EagerEOTThreshold = 0.5
	return s
}

// open starts a stream on the fake at base.
func open(t *testing.T, c *Client, base string, s assistant.STTSettings, rec *stttest.Recorder) voice.STTStream {
	t.Helper()
	st, err := c.OpenSTT(context.Background(), voice.STTOptions{Settings: s, Format: voice.Telephony, Key: testKey, BaseURL: base}, rec.Emit)
	if err != nil {
		t.Fatalf("OpenSTT: %v", err)
	}
	return st
}
