package providers

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/voice"
)

// Every recogniser an assistant can name hears the caller through its
// fake, with the key found for it by name.
func TestEveryRecogniserHears(t *testing.T) {
	w := newWorld(t, "stt-key", nil, map[string]string{
		"DEEPGRAM_API_KEY": "stt-key", "SONIOX_API_KEY": "stt-key", "SPEECHMATICS_API_KEY": "stt-key",
	})
	for _, c := range []struct {
		provider, model string
	}{
		{"deepgram", "nova-2"},
		{"soniox", "stt-rt-v3"},
		{"speechmatics", "enhanced"},
	} {
		t.Run(c.provider, func(t *testing.T) {
			cfg := assistant.Defaults()
			cfg.STTSettings.Provider, cfg.STTSettings.Model = c.provider, c.model
			cfg.STTSettings.Punctuate, cfg.STTSettings.SmartFormat = false, false
			h := &hear{}
			st, err := w.set.OpenSTT(t.Context(), info, cfg, voice.Telephony, h.emit)
			if err != nil {
				t.Fatal(err)
			}
			say(t, st, "hello there")
			testkit.Eventually(t, 10*time.Second, func() error {
				if got := h.text(); got != "hello there" {
					return fmt.Errorf("heard %q (%v)", got, h.failed())
				}
				return nil
			})
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
