package speechmatics

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/providers/speechmatics/speechmaticsfake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// settings are Speechmatics with EndOfUtterance after 0.5 s, tuned for
// short tests and unpunctuated words.
func settings() assistant.STTSettings {
	s := assistant.Defaults().STTSettings
	s.Provider, s.Model = "speechmatics", "enhanced"
	s.Punctuate = false
	s.SpeechmaticsConfig.MaxDelay = 0.7
	s.SpeechmaticsConfig.UtteranceSilenceTimeout = 0.5
	return s
}

// startFake runs a fake under a path prefix for one test.
func startFake(t *testing.T, cfg speechmaticsfake.Config) (*speechmaticsfake.Server, string) {
	cfg.Key = stttest.Key
	return faketest.StartAt(t, speechmaticsfake.Start, cfg, "/speechmatics")
}

func target() stttest.Target {
	return stttest.Target{
		New: func(cfg Config) voice.STT { return New(cfg) },
		Start: func(t *testing.T, faults *fault.Injector) (string, func() int) {
			srv, base := startFake(t, speechmaticsfake.Config{Faults: faults})
			return base, func() int { return len(srv.Sessions()) }
		},
		Settings: settings(),
	}
}

func TestScenarios(t *testing.T) { stttest.Run(t, target()) }
