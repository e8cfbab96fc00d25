package soniox

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/providers/soniox/sonioxfake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// settings are Soniox with endpoint detection, tuned for short tests.
func settings() assistant.STTSettings {
	s := assistant.Defaults().STTSettings
	s.Provider, s.Model = "soniox", "stt-rt-v3"
	s.SonioxConfig.EnableEndpointDetection = true
	s.SonioxConfig.MaxEndpointDelayMS = 500
	s.SonioxConfig.UtteranceSilenceTimeout = 0
	return s
}

// startFake runs a fake under a path prefix for one test.
func startFake(t *testing.T, cfg sonioxfake.Config) (*sonioxfake.Server, string) {
	cfg.Key = stttest.Key
	return faketest.StartAt(t, sonioxfake.Start, cfg, "/soniox")
}

func target() stttest.Target {
	return stttest.Target{
		New: func(cfg Config) voice.STT { return New(cfg) },
		Start: func(t *testing.T, faults *fault.Injector) (string, func() int) {
			srv, base := startFake(t, sonioxfake.Config{Faults: faults})
			return base, func() int { return len(srv.Sessions()) }
		},
		Settings: settings(),
	}
}

func TestScenarios(t *testing.T) { stttest.Run(t, target()) }
