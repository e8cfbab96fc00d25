package deepgram

import (
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// The recogniser scenarios every client runs, on v1 and on Flux.
func TestScenarios(t *testing.T) {
	for name, s := range map[string]func() assistant.STTSettings{"v1": v1Settings, "flux": fluxSettings} {
		t.Run(name, func(t *testing.T) {
			stttest.Run(t, stttest.Target{
				New: func(cfg Config) voice.STT { return New(cfg) },
				Start: func(t *testing.T, faults *fault.Injector) (string, func() int) {
					srv, base, stop := deepgramfake.Start(deepgramfake.Config{Key: stttest.Key, Faults: faults})
					t.Cleanup(stop)
					return base + "/deepgram", func() int { return len(srv.Sessions()) }
				},
				Settings:       s(),
				CloseDropsTurn: name == "flux",
			})
		})
	}
}
