package soniox

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

func TestStartMessage(t *testing.T) {
	s := settings()
	s.Keyterms = []string{"Switchboard"}
	s.Diarize = true
	text := "A dental practice."
	s.SonioxConfig.ContextText = &text
	s.SonioxConfig.ContextTerms = []string{"molar"}
	s.SonioxConfig.ContextGeneral = []map[string]any{{"key": "domain", "value": "dentistry"}}
	b, err := startMessage(s, voice.Telephony)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"audio_format":"mulaw","context":{"general":[{"key":"domain","value":"dentistry"}],"terms":["molar","Switchboard"],` +
		`"text":"A dental practice."},"enable_endpoint_detection":true,"enable_speaker_diarization":true,` +
		`"language_hints":["en"],"max_endpoint_delay_ms":500,"model":"stt-rt-v3","num_channels":1,"sample_rate":8000}`
	if norm, _ := json.Marshal(got); string(norm) != want {
		t.Fatalf("got  %s\nwant %s", norm, want)
	}

	// explicit hints win; no endpoint detection, no delay; multi: no hints
	s = settings()
	s.SonioxConfig.EnableEndpointDetection = false
	s.Language = "multi"
	b, _ = startMessage(s, voice.Format{Encoding: voice.PCM16, SampleRate: 16000})
	if want := `{"model":"stt-rt-v3","audio_format":"pcm_s16le","sample_rate":16000,"num_channels":1}`; string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	s.SonioxConfig.LanguageHints = []string{"de", "fr"}
	b, _ = startMessage(s, voice.Telephony)
	if want := `{"model":"stt-rt-v3","audio_format":"mulaw","sample_rate":8000,"num_channels":1,"language_hints":["de","fr"]}`; string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if _, err := startMessage(s, voice.Format{Encoding: voice.PCM16}); !errors.Is(err, ErrFormat) {
		t.Fatalf("no sample rate: %v", err)
	}
}
