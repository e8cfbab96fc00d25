package assistant

import (
	"fmt"
	"strings"
)

// sttCheck refuses stt_settings the configured recogniser cannot honour,
// naming each field, rather than storing settings a call would ignore.
func sttCheck(s STTSettings) []FieldError {
	var errs []FieldError
	add := func(msg string, loc ...any) {
		errs = append(errs, FieldError{Loc: append([]any{"stt_settings"}, loc...), Msg: msg, Type: "value_error"})
	}
	switch s.Provider {
	case "deepgram":
		deepgramCheck(s, add)
	case "soniox":
		sonioxCheck(s, add)
	case "speechmatics":
		speechmaticsCheck(s, add)
	case "elevenlabs":
		scribeCheck(s, add)
	}
	return errs
}

// sttFallbackCheck refuses fallback recognisers that could not serve: none
// when enabled, one that repeats an earlier recogniser, or one that cannot
// honour stt_settings (each problem named under the fallback's provider).
func sttFallbackCheck(c *Config) []FieldError {
	fb := c.STTFallbackProviders
	if !fb.Enabled {
		return nil
	}
	loc := func(path ...any) []any { return append([]any{"stt_fallback_providers", "fallbacks"}, path...) }
	if len(fb.Fallbacks) == 0 {
		return []FieldError{{Loc: loc(), Msg: "at least one fallback is required when fallbacks are enabled", Type: "value_error"}}
	}
	var errs []FieldError
	rs := c.Recognisers()
	for i, s := range rs[1:] {
		for _, earlier := range rs[:i+1] {
			if earlier.Provider == s.Provider && earlier.Model == s.Model {
				errs = append(errs, FieldError{Loc: loc(i, "model"), Msg: "repeats a recogniser tried before it", Type: "value_error"})
				break
			}
		}
		for _, e := range sttCheck(s) {
			errs = append(errs, FieldError{Loc: loc(i, "provider"), Type: "value_error",
				Msg: fmt.Sprintf("%s cannot honour %s: %s", s.Provider, dotted(e.Loc), e.Msg)})
		}
	}
	return errs
}

// dotted is a location as a path, e.g. stt_settings.soniox_config.num_channels.
func dotted(loc []any) string {
	var b strings.Builder
	for i, p := range loc {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// UsesFlux reports whether Deepgram recognises with a Flux model: one named
// flux-…, or English with prefer_flux_for_english.
func (s STTSettings) UsesFlux() bool {
	l := strings.ToLower(s.Language)
	return strings.HasPrefix(s.Model, "flux-") || (s.PreferFluxForEnglish && (l == "en" || strings.HasPrefix(l, "en-")))
}

// deepgramCheck: Deepgram does not denoise, and its Flux models neither
// diarize nor detect entities. (Keywords and keyterms each go to the
// models that take them and are left out for the others, as Burki does.)
func deepgramCheck(s STTSettings, add func(string, ...any)) {
	if s.AudioDenoising {
		add("deepgram does not denoise audio", "audio_denoising")
	}
	if !s.UsesFlux() {
		return
	}
	if s.Diarize {
		add("deepgram's flux models do not diarize", "diarize")
	}
	if s.DetectEntities {
		add("deepgram's flux models do not detect entities", "detect_entities")
	}
}

// speechmaticsCheck: operating points for models, and Speechmatics' range
// for the end-of-utterance trigger.
func speechmaticsCheck(s STTSettings, add func(string, ...any)) {
	if s.Model != "standard" && s.Model != "enhanced" {
		add("speechmatics takes an operating point: standard or enhanced", "model")
	}
	if len(s.Keywords) > 0 {
		add("keywords with intensifiers are Deepgram's: speechmatics takes keyterms or speechmatics_config.additional_vocab", "keywords")
	}
	if s.AudioDenoising {
		add("speechmatics does not denoise audio", "audio_denoising")
	}
	if t := s.SpeechmaticsConfig.UtteranceSilenceTimeout; t > 2 {
		add("speechmatics' end_of_utterance_silence_trigger takes 0 to 2 s", "speechmatics_config", "utterance_silence_timeout")
	}
}

// sonioxCheck: real-time models, mono, Soniox's endpoint-delay range, the
// context shape; translation is refused.
func sonioxCheck(s STTSettings, add func(string, ...any)) {
	c := s.SonioxConfig
	if !strings.HasPrefix(s.Model, "stt-rt") {
		add("soniox takes a real-time model, e.g. stt-rt-v3", "model")
	}
	if len(s.Keywords) > 0 {
		add("keywords with intensifiers are Deepgram's: soniox takes keyterms or soniox_config.context_terms", "keywords")
	}
	if s.DetectEntities {
		add("soniox does not detect entities", "detect_entities")
	}
	if s.AudioDenoising {
		add("soniox does not denoise audio", "audio_denoising")
	}
	if c.NumChannels != 1 {
		add("calls send mono audio: must be 1", "soniox_config", "num_channels")
	}
	if d := c.MaxEndpointDelayMS; d != 0 && (d < 500 || d > 3000) {
		add("soniox takes 500 to 3000 ms (0 for its default)", "soniox_config", "max_endpoint_delay_ms")
	}
	for i, g := range c.ContextGeneral {
		_, k := g["key"].(string)
		_, v := g["value"].(string)
		if !k || !v || len(g) != 2 {
			add(`each item must be {"key": string, "value": string}`, "soniox_config", "context_general", i)
		}
	}
	// the engine recognises the caller's own words: a translation would be
	// paid for and never used
	const noTranslation = "translation is not used by calls: the recogniser transcribes the caller's own words"
	if len(c.ContextTranslationTerms) > 0 {
		add(noTranslation, "soniox_config", "context_translation_terms")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"translation_type", c.TranslationType}, {"translation_target_language", c.TranslationTargetLanguage},
		{"translation_language_a", c.TranslationLanguageA}, {"translation_language_b", c.TranslationLanguageB},
	} {
		if f.v != nil && *f.v != "" {
			add(noTranslation, "soniox_config", f.name)
		}
	}
}

// scribeCheck: ElevenLabs Scribe realtime's model and ranges; what it has
// no setting for is refused.
func scribeCheck(s STTSettings, add func(string, ...any)) {
	c := s.ElevenLabsConfig
	if s.Model != "scribe_v2_realtime" {
		add("elevenlabs recognises in real time with scribe_v2_realtime", "model")
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"keywords", len(s.Keywords) > 0}, {"keyterms", len(s.Keyterms) > 0}, {"diarize", s.Diarize},
		{"detect_entities", s.DetectEntities}, {"audio_denoising", s.AudioDenoising},
	} {
		if f.set {
			add("elevenlabs scribe realtime has no such setting", f.name)
		}
	}
	if v := c.VADThreshold; v < 0.1 || v > 0.9 {
		add("scribe takes 0.1 to 0.9", "elevenlabs_config", "vad_threshold")
	}
	if v := c.VADSilenceThresholdSecs; v <= 0.3 || v > 3 {
		add("scribe takes more than 0.3 and at most 3 s", "elevenlabs_config", "vad_silence_threshold_secs")
	}
	if v := c.MinSpeechDurationMS; v <= 50 || v > 2000 {
		add("scribe takes more than 50 and at most 2000 ms", "elevenlabs_config", "min_speech_duration_ms")
	}
	if v := c.MinSilenceDurationMS; v <= 50 || v > 2000 {
		add("scribe takes more than 50 and at most 2000 ms", "elevenlabs_config", "min_silence_duration_ms")
	}
	if c.CommitStrategy != "manual" {
		return
	}
	if v := c.ManualCommitSilenceSecs; v < 0.2 || v > 10 {
		add("with commit_strategy manual the client commits after this silence: 0.2 to 10 s", "elevenlabs_config", "manual_commit_silence_secs")
	}
	if v := c.ManualCommitShortSilenceSecs; v != 0 && (v < 0.2 || v > c.ManualCommitSilenceSecs) {
		add("0 (off), or 0.2 s up to manual_commit_silence_secs", "elevenlabs_config", "manual_commit_short_silence_secs")
	}
}
