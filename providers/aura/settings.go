package aura

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is the real service.
const DefaultBaseURL = "https://api.deepgram.com"

// DefaultModel is used when the settings name no Aura voice.
const DefaultModel = "aura-2-thalia-en"

// Model resolves an assistant's voice and model settings to an Aura model,
// which names the voice: a voice_id starting with "aura-" is the model
// itself; otherwise it is a voice name in the family model_id names ("aura"
// or "aura-2", the default), with provider_config.language (default "en")
// as the suffix: voice "thalia" → aura-2-thalia-en.
func Model(s assistant.TTSSettings) string {
	v := strings.ToLower(strings.TrimSpace(s.VoiceID))
	if strings.HasPrefix(v, "aura-") {
		return v
	}
	if v == "" {
		return DefaultModel
	}
	family := strings.ToLower(strings.TrimSpace(s.ModelID))
	if family != "aura" {
		family = "aura-2"
	}
	lang, _ := s.ProviderConfig["language"].(string)
	if lang == "" {
		lang = "en"
	}
	return family + "-" + v + "-" + strings.ToLower(lang)
}

// outputFormat picks the encoding and rate to ask for: the carrier's own
// when the service has it and no gain is to be applied, else linear16 at
// the nearest rate it offers, converted locally.
func outputFormat(want voice.Format, gain float64) (encoding string, src voice.Format) {
	if gain == 1 && (want.SampleRate == 8000 || want.SampleRate == 16000) {
		switch want.Encoding {
		case voice.ULaw:
			return "mulaw", want
		case voice.ALaw:
			return "alaw", want
		}
	}
	rate := 48000
	for _, r := range []int{8000, 16000, 24000, 32000, 48000} {
		if r >= want.SampleRate {
			rate = r
			break
		}
	}
	return "linear16", voice.Format{Encoding: voice.PCM16, SampleRate: rate}
}

// speakURL is the /v1/speak websocket for these settings.
func speakURL(base string, s assistant.TTSSettings, encoding string, rate int) (string, error) {
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("aura: base URL: %w", err)
	}
	switch u.Scheme {
	case "https", "wss":
		u.Scheme = "wss"
	case "http", "ws":
		u.Scheme = "ws"
	default:
		return "", fmt.Errorf("aura: base URL %q: scheme must be http(s) or ws(s)", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/speak"
	q := url.Values{}
	q.Set("model", Model(s))
	q.Set("encoding", encoding)
	q.Set("sample_rate", strconv.Itoa(rate))
	if s.Speed != 0 && s.Speed != 1 {
		q.Set("speed", strconv.FormatFloat(s.Speed, 'f', -1, 64))
	}
	if v, _ := s.ProviderConfig["mip_opt_out"].(bool); v {
		q.Set("mip_opt_out", "true")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
