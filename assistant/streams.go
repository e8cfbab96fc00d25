package assistant

import (
	"maps"
	"reflect"
)

// NeedsNewRecogniser reports whether a live call moving from c to next
// must open a new recognition stream: the recogniser's settings or the
// keys changed. The turn-taking settings kept in stt_settings (utterance
// timeout, incomplete-utterance detection, speculation) apply without one.
func (c Config) NeedsNewRecogniser(next Config) bool {
	a, b := c.STTSettings.streamOnly(), next.STTSettings.streamOnly()
	return !reflect.DeepEqual(a, b) || !maps.Equal(c.APIKeys, next.APIKeys)
}

// NeedsNewSynthesiser reports whether a live call moving from c to next
// must open a new synthesis session: the voice's settings or the keys
// changed. The background sound is mixed by the engine and changes
// without one.
func (c Config) NeedsNewSynthesiser(next Config) bool {
	a, b := c.TTSSettings, next.TTSSettings
	a.BackgroundSound, b.BackgroundSound = BackgroundSound{}, BackgroundSound{}
	return !reflect.DeepEqual(a, b) || !maps.Equal(c.APIKeys, next.APIKeys)
}

// streamOnly is s without the settings the conversation engine reads.
func (s STTSettings) streamOnly() STTSettings {
	s.UtteranceTimeoutSeconds, s.IncompleteUtteranceDetection, s.SpeculativeConfig = 0, false, SpeculativeConfig{}
	return s
}

// Equal reports whether two background sounds are the same.
func (b BackgroundSound) Equal(o BackgroundSound) bool { return reflect.DeepEqual(b, o) }
