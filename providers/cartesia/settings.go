package cartesia

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is the real service.
const DefaultBaseURL = "https://api.cartesia.ai"

// Version is the API version sent as Cartesia-Version.
const Version = "2026-03-01"

// DefaultModel is used when the settings name no Sonic model.
const DefaultModel = "sonic-3"

// The service's ranges for generation_config.
const (
	minSpeed, maxSpeed   = 0.6, 1.5
	minVolume, maxVolume = 0.5, 2.0
)

// ModelID resolves an assistant's model setting: Sonic models pass through;
// anything else (e.g. another provider's model left in the settings) gets
// DefaultModel.
func ModelID(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if strings.HasPrefix(m, "sonic") {
		return m
	}
	return DefaultModel
}

// outputFormat is the raw format to ask for: the carrier's own when the
// service has it, else 16-bit PCM at the nearest rate it offers, converted
// locally.
func outputFormat(want voice.Format) (outputFormatJSON, voice.Format) {
	if want.SampleRate == 8000 || want.SampleRate == 16000 {
		switch want.Encoding {
		case voice.ULaw:
			return outputFormatJSON{"raw", "pcm_mulaw", want.SampleRate}, want
		case voice.ALaw:
			return outputFormatJSON{"raw", "pcm_alaw", want.SampleRate}, want
		}
	}
	rate := 48000
	for _, r := range []int{8000, 16000, 22050, 24000, 44100, 48000} {
		if r >= want.SampleRate {
			rate = r
			break
		}
	}
	return outputFormatJSON{"raw", "pcm_s16le", rate}, voice.Format{Encoding: voice.PCM16, SampleRate: rate}
}

// socketURL is the TTS websocket.
func socketURL(base string) (string, error) {
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("cartesia: base URL: %w", err)
	}
	switch u.Scheme {
	case "https", "wss":
		u.Scheme = "wss"
	case "http", "ws":
		u.Scheme = "ws"
	default:
		return "", fmt.Errorf("cartesia: base URL %q: scheme must be http(s) or ws(s)", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/tts/websocket"
	return u.String(), nil
}

type outputFormatJSON struct {
	Container  string `json:"container"`
	Encoding   string `json:"encoding"`
	SampleRate int    `json:"sample_rate"`
}

type voiceJSON struct {
	Mode string `json:"mode"`
	ID   string `json:"id"`
}

type generationConfig struct {
	Speed  float64 `json:"speed"`
	Volume float64 `json:"volume"`
}

// request is a generation request; every message of a context repeats the
// model, voice and format.
type request struct {
	ModelID          string            `json:"model_id"`
	Transcript       string            `json:"transcript"`
	Voice            voiceJSON         `json:"voice"`
	Language         string            `json:"language"`
	ContextID        string            `json:"context_id"`
	OutputFormat     outputFormatJSON  `json:"output_format"`
	AddTimestamps    bool              `json:"add_timestamps"`
	Continue         bool              `json:"continue"`
	GenerationConfig *generationConfig `json:"generation_config,omitempty"`
}

// template is a session's request with everything but the transcript,
// context and continue flag. Speed and volume (0 meaning unset, i.e. 1)
// go in generation_config, clamped to the service's ranges, when not both
// 1.
func template(s assistant.TTSSettings, f outputFormatJSON) request {
	lang, _ := s.ProviderConfig["language"].(string)
	if lang == "" {
		lang = "en"
	}
	r := request{
		ModelID: ModelID(s.ModelID), Voice: voiceJSON{"id", s.VoiceID}, Language: lang,
		OutputFormat: f, AddTimestamps: true,
	}
	speed, volume := or1(s.Speed), or1(s.Volume)
	if speed != 1 || volume != 1 {
		r.GenerationConfig = &generationConfig{
			Speed:  min(max(speed, minSpeed), maxSpeed),
			Volume: min(max(volume, minVolume), maxVolume),
		}
	}
	return r
}

func or1(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// message renders the template for one request.
func (r request) message(contextID, transcript string, more bool) []byte {
	r.ContextID, r.Transcript, r.Continue = contextID, transcript, more
	b, _ := json.Marshal(r) // plain structs: cannot fail
	return b
}

func cancelMessage(contextID string) []byte {
	b, _ := json.Marshal(struct {
		ContextID string `json:"context_id"`
		Cancel    bool   `json:"cancel"`
	}{contextID, true})
	return b
}
