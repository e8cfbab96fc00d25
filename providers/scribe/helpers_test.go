package scribe

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/providers/scribe/scribefake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// settings are Scribe committing on its VAD after 0.5 s of silence, with
// timestamps, tuned for short tests and unpunctuated words.
func settings() assistant.STTSettings {
	s := assistant.Defaults().STTSettings
	s.Provider, s.Model = "elevenlabs", Model
	s.Punctuate = false
	s.ElevenLabsConfig.CommitStrategy = "vad"
	s.ElevenLabsConfig.VADSilenceThresholdSecs = 0.5
	s.ElevenLabsConfig.IncludeTimestamps = true
	return s
}

// startFake runs a fake under a path prefix for one test.
func startFake(t *testing.T, cfg scribefake.Config) (*scribefake.Server, string) {
	cfg.Key = stttest.Key
	return faketest.StartAt(t, scribefake.Start, cfg, "/elevenlabs")
}

func target(s assistant.STTSettings) stttest.Target {
	return stttest.Target{
		New: func(cfg Config) voice.STT { return New(cfg) },
		Start: func(t *testing.T, faults *fault.Injector) (string, func() int) {
			srv, base := startFake(t, scribefake.Config{Faults: faults})
			return base, func() int { return len(srv.Sessions()) }
		},
		Settings: s,
	}
}

func TestScenarios(t *testing.T) { stttest.Run(t, target(settings())) }

// The client commits by itself under the manual strategy, after the
// configured silence.
func TestScenariosManualCommits(t *testing.T) {
	s := settings()
	s.ElevenLabsConfig.CommitStrategy = "manual"
	s.ElevenLabsConfig.ManualCommitSilenceSecs = 0.5
	s.ElevenLabsConfig.ManualCommitShortSilenceSecs = 0.3
	stttest.Run(t, target(s))
}
