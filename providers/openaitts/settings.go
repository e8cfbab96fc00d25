package openaitts

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is the real service, API version included.
const DefaultBaseURL = "https://api.openai.com/v1"

// DefaultModel is used when the settings name no OpenAI speech model.
const DefaultModel = "tts-1"

// Rate is the sample rate of response_format pcm: 24 kHz, 16-bit signed
// little-endian, mono, no header.
const Rate = 24000

// source is the audio the service sends.
var source = voice.Format{Encoding: voice.PCM16, SampleRate: Rate}

// The service's speed range.
const minSpeed, maxSpeed = 0.25, 4.0

// ModelID resolves an assistant's model setting: OpenAI speech models
// (tts-*, gpt-*) pass through; anything else (e.g. another provider's
// model left in the settings) gets DefaultModel.
func ModelID(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if strings.HasPrefix(m, "tts-") || strings.HasPrefix(m, "gpt-") {
		return m
	}
	return DefaultModel
}

// speechURL is the speech endpoint under base.
func speechURL(base string) (string, error) {
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("openaitts: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("openaitts: base URL %q: scheme must be http or https", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/audio/speech"
	return u.String(), nil
}

// request is the speech request body.
type request struct {
	Model          string  `json:"model"`
	Input          string  `json:"input"`
	Voice          string  `json:"voice"`
	ResponseFormat string  `json:"response_format"`
	Speed          float64 `json:"speed,omitempty"`
	Instructions   string  `json:"instructions,omitempty"`
}

// template is a session's request with everything but the input: the
// voice is voice_id as given; speed (0 meaning unset) is clamped to the
// service's range; provider_config.instructions steers gpt-4o-mini-tts.
func template(s assistant.TTSSettings) request {
	r := request{Model: ModelID(s.ModelID), Voice: s.VoiceID, ResponseFormat: "pcm"}
	if s.Speed != 0 && s.Speed != 1 {
		r.Speed = min(max(s.Speed, minSpeed), maxSpeed)
	}
	r.Instructions, _ = s.ProviderConfig["instructions"].(string)
	return r
}

func (r request) body(input string) []byte {
	r.Input = input
	b, _ := json.Marshal(r) // plain struct: cannot fail
	return b
}
