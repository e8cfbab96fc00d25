package assistant

import (
	"slices"
	"testing"
)

func TestSonioxSettingsAreHonouredOrRefused(t *testing.T) {
	ok := mustApply(t, nil, `{"name":"S","stt_settings":{"provider":"soniox","model":"stt-rt-v3",
		"soniox_config":{"context_general":[{"key":"domain","value":"dentistry"}],"max_endpoint_delay_ms":800}}}`)
	if ok.Config.STTSettings.Provider != "soniox" {
		t.Fatalf("%+v", ok.Config.STTSettings)
	}
	errs := validationErrors(t, nil, `{"name":"S","stt_settings":{"provider":"soniox","model":"nova-2",
		"keywords":[{"keyword":"Acme"}],"detect_entities":true,"audio_denoising":true,
		"soniox_config":{"num_channels":2,"max_endpoint_delay_ms":100,"context_general":[{"key":"domain"}],
		"context_translation_terms":[{"source":"a","target":"b"}],"translation_type":"one_way","translation_target_language":"es"}}}`)
	want := []string{
		"stt_settings.model", "stt_settings.keywords", "stt_settings.detect_entities", "stt_settings.audio_denoising",
		"stt_settings.soniox_config.num_channels", "stt_settings.soniox_config.max_endpoint_delay_ms",
		"stt_settings.soniox_config.context_general[0]", "stt_settings.soniox_config.context_translation_terms",
		"stt_settings.soniox_config.translation_type", "stt_settings.soniox_config.translation_target_language",
	}
	if got := paths(errs); !slices.Equal(got, want) {
		t.Fatalf("errors at\n%v\nwant\n%v", got, want)
	}
	// Deepgram's settings are not Soniox's business
	mustApply(t, nil, `{"name":"D","stt_settings":{"soniox_config":{"num_channels":2}}}`)
}

func TestSpeechmaticsSettingsAreHonouredOrRefused(t *testing.T) {
	mustApply(t, nil, `{"name":"S","stt_settings":{"provider":"speechmatics","model":"enhanced",
		"speechmatics_config":{"region":"us","utterance_silence_timeout":0.8}}}`)
	errs := validationErrors(t, nil, `{"name":"S","stt_settings":{"provider":"speechmatics","model":"nova-2",
		"keywords":[{"keyword":"Acme"}],"audio_denoising":true,"speechmatics_config":{"utterance_silence_timeout":5}}}`)
	want := []string{
		"stt_settings.model", "stt_settings.keywords", "stt_settings.audio_denoising",
		"stt_settings.speechmatics_config.utterance_silence_timeout",
	}
	if got := paths(errs); !slices.Equal(got, want) {
		t.Fatalf("errors at\n%v\nwant\n%v", got, want)
	}
}

func TestDeepgramSettingsAreHonouredOrRefused(t *testing.T) {
	mustApply(t, nil, `{"name":"D","stt_settings":{"provider":"deepgram","model":"nova-2","diarize":true,"detect_entities":true,
		"keywords":[{"keyword":"Acme","intensifier":2}],"keyterms":["Acme"]}}`)
	errs := validationErrors(t, nil, `{"name":"D","stt_settings":{"provider":"deepgram","model":"nova-3","language":"en-US",
		"prefer_flux_for_english":true,"diarize":true,"detect_entities":true,"audio_denoising":true}}`)
	want := []string{"stt_settings.audio_denoising", "stt_settings.diarize", "stt_settings.detect_entities"}
	if got := paths(errs); !slices.Equal(got, want) {
		t.Fatalf("errors at\n%v\nwant\n%v", got, want)
	}
	// the same settings in another language keep the nova model, which takes them
	mustApply(t, nil, `{"name":"D","stt_settings":{"provider":"deepgram","model":"nova-3","language":"de",
		"prefer_flux_for_english":true,"diarize":true,"detect_entities":true}}`)
}

func TestScribeSettingsAreHonouredOrRefused(t *testing.T) {
	mustApply(t, nil, `{"name":"E","stt_settings":{"provider":"elevenlabs","model":"scribe_v2_realtime",
		"elevenlabs_config":{"commit_strategy":"manual","manual_commit_silence_secs":1,"manual_commit_short_silence_secs":0.5}}}`)
	errs := validationErrors(t, nil, `{"name":"E","stt_settings":{"provider":"elevenlabs","model":"nova-2",
		"keywords":[{"keyword":"Acme"}],"keyterms":["Acme"],"diarize":true,"detect_entities":true,"audio_denoising":true,
		"elevenlabs_config":{"commit_strategy":"manual","vad_threshold":0.95,"vad_silence_threshold_secs":0.2,
		"min_speech_duration_ms":20,"min_silence_duration_ms":3000,"manual_commit_silence_secs":0.1,"manual_commit_short_silence_secs":0.15}}}`)
	want := []string{
		"stt_settings.model", "stt_settings.keywords", "stt_settings.keyterms", "stt_settings.diarize",
		"stt_settings.detect_entities", "stt_settings.audio_denoising",
		"stt_settings.elevenlabs_config.vad_threshold", "stt_settings.elevenlabs_config.vad_silence_threshold_secs",
		"stt_settings.elevenlabs_config.min_speech_duration_ms", "stt_settings.elevenlabs_config.min_silence_duration_ms",
		"stt_settings.elevenlabs_config.manual_commit_silence_secs", "stt_settings.elevenlabs_config.manual_commit_short_silence_secs",
	}
	if got := paths(errs); !slices.Equal(got, want) {
		t.Fatalf("errors at\n%v\nwant\n%v", got, want)
	}
}

func TestSTTFallbacksAreChecked(t *testing.T) {
	ok := mustApply(t, nil, `{"name":"F","stt_fallback_providers":{"enabled":true,"fallbacks":[{"provider":"soniox","model":"stt-rt-v3"}]}}`)
	rs := ok.Config.Recognisers()
	if len(rs) != 2 || rs[1].Provider != "soniox" || rs[1].Model != "stt-rt-v3" || rs[1].Language != rs[0].Language {
		t.Fatalf("%+v", rs)
	}
	errs := validationErrors(t, nil, `{"name":"F","stt_settings":{"keyterms":["Acme"]},"stt_fallback_providers":{"enabled":true,"fallbacks":[
		{"provider":"deepgram","model":"nova-2"},{"provider":"elevenlabs","model":"scribe_v2_realtime"}]}}`)
	want := []string{"stt_fallback_providers.fallbacks[0].model", "stt_fallback_providers.fallbacks[1].provider"}
	if got := paths(errs); !slices.Equal(got, want) {
		t.Fatalf("errors at\n%v\nwant\n%v", got, want)
	}
	if errs := validationErrors(t, nil, `{"name":"F","stt_fallback_providers":{"fallbacks":[{"provider":"whisper","model":"x"}]}}`); len(errs) != 1 {
		t.Fatalf("%v", errs)
	}
	if errs := validationErrors(t, nil, `{"name":"F","stt_fallback_providers":{"enabled":true}}`); len(errs) != 1 {
		t.Fatalf("%v", errs)
	}
	// disabled fallbacks are kept, unchecked, for later
	mustApply(t, nil, `{"name":"F","stt_fallback_providers":{"enabled":false,"fallbacks":[{"provider":"deepgram","model":"nova-2"}]}}`)
}
