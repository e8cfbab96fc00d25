package assistant

import "testing"

func TestStreamChanges(t *testing.T) {
	base := Defaults()
	for _, c := range []struct {
		name            string
		edit            func(*Config)
		recogniser, tts bool
	}{
		{"nothing", func(*Config) {}, false, false},
		{"system prompt", func(c *Config) { c.LLMSettings.SystemPrompt = "Other." }, false, false},
		{"utterance timeout", func(c *Config) { c.STTSettings.UtteranceTimeoutSeconds = 5 }, false, false},
		{"speculation", func(c *Config) { c.STTSettings.SpeculativeConfig.EnableSpeculativeLLM = true }, false, false},
		{"language", func(c *Config) { c.STTSettings.Language = "de" }, true, false},
		{"endpointing", func(c *Config) { c.STTSettings.Endpointing.SilenceThreshold = 900 }, true, false},
		{"voice", func(c *Config) { c.TTSSettings.VoiceID = "other" }, false, true},
		{"background sound", func(c *Config) { c.TTSSettings.BackgroundSound.Enabled = true }, false, false},
		{"keys", func(c *Config) { c.APIKeys = map[string]string{"deepgram_api_key": "k"} }, true, true},
	} {
		next := Defaults()
		c.edit(&next)
		if got := base.NeedsNewRecogniser(next); got != c.recogniser {
			t.Errorf("%s: NeedsNewRecogniser = %v", c.name, got)
		}
		if got := base.NeedsNewSynthesiser(next); got != c.tts {
			t.Errorf("%s: NeedsNewSynthesiser = %v", c.name, got)
		}
	}
}
