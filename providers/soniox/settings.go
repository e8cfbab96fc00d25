package soniox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// startRequest is the configuration message a connection starts with. The
// key travels in the Authorization header, not in api_key (deprecated, and
// refused from 15 January 2027).
type startRequest struct {
	Model                        string              `json:"model"`
	AudioFormat                  string              `json:"audio_format"`
	SampleRate                   int                 `json:"sample_rate"`
	NumChannels                  int                 `json:"num_channels"`
	LanguageHints                []string            `json:"language_hints,omitempty"`
	Context                      *recognitionContext `json:"context,omitempty"`
	EnableSpeakerDiarization     bool                `json:"enable_speaker_diarization,omitempty"`
	EnableLanguageIdentification bool                `json:"enable_language_identification,omitempty"`
	EnableEndpointDetection      bool                `json:"enable_endpoint_detection,omitempty"`
	MaxEndpointDelayMS           int                 `json:"max_endpoint_delay_ms,omitempty"`
}

// recognitionContext is Soniox's recognition context.
type recognitionContext struct {
	General []map[string]any `json:"general,omitempty"`
	Text    string           `json:"text,omitempty"`
	Terms   []string         `json:"terms,omitempty"`
}

// audioFormat names a format the way audio_format does.
func audioFormat(f voice.Format) (string, error) {
	if f.SampleRate <= 0 {
		return "", fmt.Errorf("%w: %s", ErrFormat, f)
	}
	switch f.Encoding {
	case voice.ULaw:
		return "mulaw", nil
	case voice.ALaw:
		return "alaw", nil
	case voice.PCM16:
		return "pcm_s16le", nil
	}
	return "", fmt.Errorf("%w: %s", ErrFormat, f)
}

// startMessage maps settings onto the configuration message:
//   - model is stt_settings.model (stt-rt-…)
//   - language_hints are soniox_config.language_hints, else the primary
//     subtag of stt_settings.language ("en" for "en-US"; none for "multi")
//   - context.terms are soniox_config.context_terms and
//     stt_settings.keyterms; context.text and context.general come from
//     context_text and context_general
//   - enable_speaker_diarization is soniox_config's or stt_settings.diarize
//   - max_endpoint_delay_ms is sent with endpoint detection only
//
// Translation and num_channels other than 1 are refused when the assistant
// is saved (the engine recognises the caller's own words, in mono).
func startMessage(s assistant.STTSettings, f voice.Format) ([]byte, error) {
	format, err := audioFormat(f)
	if err != nil {
		return nil, err
	}
	c := s.SonioxConfig
	req := startRequest{
		Model: s.Model, AudioFormat: format, SampleRate: f.SampleRate, NumChannels: 1,
		LanguageHints:                c.LanguageHints,
		EnableSpeakerDiarization:     c.EnableSpeakerDiarization || s.Diarize,
		EnableLanguageIdentification: c.EnableLanguageIdentification,
		EnableEndpointDetection:      c.EnableEndpointDetection,
	}
	if len(req.LanguageHints) == 0 {
		if l, _, _ := strings.Cut(s.Language, "-"); l != "" && l != "multi" {
			req.LanguageHints = []string{strings.ToLower(l)}
		}
	}
	if c.EnableEndpointDetection {
		req.MaxEndpointDelayMS = c.MaxEndpointDelayMS
	}
	ctx := recognitionContext{General: c.ContextGeneral, Terms: slices.Concat(c.ContextTerms, s.Keyterms)}
	if c.ContextText != nil {
		ctx.Text = *c.ContextText
	}
	if len(ctx.General) > 0 || ctx.Text != "" || len(ctx.Terms) > 0 {
		req.Context = &ctx
	}
	return json.Marshal(req)
}
