package elevenlabs

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is the real service.
const DefaultBaseURL = "https://api.elevenlabs.io"

// DefaultModel is used when the assistant names no ElevenLabs model.
const DefaultModel = "eleven_flash_v2_5"

// voices maps the premade voice names assistants use (Burki's defaults
// say "rachel") to ElevenLabs voice IDs; anything else is taken as an ID.
var voices = map[string]string{
	"rachel": "21m00Tcm4TlvDq8ikWAM",
	"domi":   "AZnzlk1XvdvUeBnXmlld",
	"bella":  "EXAVITQu4vr4xnSDxMaL",
	"antoni": "ErXwobaYiN019PkySvjV",
	"elli":   "MF3mGyEYCl7XYWbV9V6O",
	"eli":    "MF3mGyEYCl7XYWbV9V6O", // Burki's spelling
	"josh":   "TxGEqnHWrfWFTfGW9XjX",
	"arnold": "VR6AewLTigWG4xSOukaG",
	"adam":   "pNInz6obpgDQGcFmaJgB",
	"sam":    "yoZ06aMxZJJ28mfd3POQ",
}

// models maps short model names to model IDs. Names starting with
// "eleven_" pass through; anything else (e.g. another provider's model left
// in the settings) gets DefaultModel.
var models = map[string]string{
	"turbo":           "eleven_turbo_v2_5",
	"turbo_v2_5":      "eleven_turbo_v2_5",
	"turbo_v2":        "eleven_turbo_v2",
	"flash":           "eleven_flash_v2_5",
	"flash_v2_5":      "eleven_flash_v2_5",
	"flash_v2":        "eleven_flash_v2",
	"multilingual":    "eleven_multilingual_v2",
	"multilingual_v2": "eleven_multilingual_v2",
	"v3":              "eleven_v3",
}

// VoiceID resolves an assistant's voice setting to an ElevenLabs voice ID.
func VoiceID(v string) string {
	if id, ok := voices[strings.ToLower(v)]; ok {
		return id
	}
	return v
}

// ModelID resolves an assistant's model setting to an ElevenLabs model ID.
func ModelID(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if id, ok := models[m]; ok {
		return id
	}
	if strings.HasPrefix(m, "eleven_") {
		return m
	}
	return DefaultModel
}

// outputFormat picks what to ask the service for: the carrier's own format
// when the service has it and no gain is to be applied, else 16-bit PCM at
// the nearest rate it offers, converted locally.
func outputFormat(want voice.Format, gain float64) (name string, src voice.Format) {
	if want == voice.Telephony && gain == 1 {
		return "ulaw_8000", want
	}
	rate := 44100
	for _, r := range []int{8000, 16000, 22050, 24000, 44100} {
		if r >= want.SampleRate {
			rate = r
			break
		}
	}
	return "pcm_" + strconv.Itoa(rate), voice.Format{Encoding: voice.PCM16, SampleRate: rate}
}

// streamURL is the stream-input websocket for these settings.
func streamURL(base string, s assistant.TTSSettings, format string) (string, error) {
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("elevenlabs: base URL: %w", err)
	}
	switch u.Scheme {
	case "https", "wss":
		u.Scheme = "wss"
	case "http", "ws":
		u.Scheme = "ws"
	default:
		return "", fmt.Errorf("elevenlabs: base URL %q: scheme must be http(s) or ws(s)", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/text-to-speech/" + url.PathEscape(VoiceID(s.VoiceID)) + "/stream-input"
	q := url.Values{}
	q.Set("model_id", ModelID(s.ModelID))
	q.Set("output_format", format)
	// optimize_streaming_latency is deprecated by ElevenLabs but still
	// accepted; 0 (no optimisation) is the service default and not sent.
	if s.Latency > 0 {
		q.Set("optimize_streaming_latency", strconv.Itoa(min(s.Latency, 4)))
	}
	// The engine sends whole sentences or clauses and flushes each one, so
	// the server's chunk scheduler only adds latency.
	q.Set("auto_mode", "true")
	// A session pre-opens its next socket; the default 20 s inactivity
	// limit would close it while the caller speaks.
	q.Set("inactivity_timeout", "180")
	if lang, ok := s.ProviderConfig["language_code"].(string); ok && lang != "" {
		q.Set("language_code", lang)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Speed is limited by the service to 0.7–1.2.
const minSpeed, maxSpeed = 0.7, 1.2

type voiceSettings struct {
	Stability       float64 `json:"stability"`
	SimilarityBoost float64 `json:"similarity_boost"`
	Style           float64 `json:"style"`
	UseSpeakerBoost bool    `json:"use_speaker_boost"`
	Speed           float64 `json:"speed"`
}

type generationConfig struct {
	ChunkLengthSchedule []int `json:"chunk_length_schedule"`
}

type bosMessage struct {
	Text             string           `json:"text"`
	VoiceSettings    voiceSettings    `json:"voice_settings"`
	GenerationConfig generationConfig `json:"generation_config"`
}

// defaultSchedule is the service's own default, sent explicitly;
// provider_config.chunk_length_schedule overrides it.
var defaultSchedule = []int{120, 160, 250, 290}

// bos is the first message of every socket: a single space, the voice
// settings and the generation config.
func bos(s assistant.TTSSettings) []byte {
	speed := s.Speed
	if speed == 0 {
		speed = 1
	}
	m := bosMessage{
		Text: " ",
		VoiceSettings: voiceSettings{
			Stability:       s.Stability,
			SimilarityBoost: s.SimilarityBoost,
			Style:           s.Style,
			UseSpeakerBoost: s.UseSpeakerBoost,
			Speed:           min(max(speed, minSpeed), maxSpeed),
		},
		GenerationConfig: generationConfig{ChunkLengthSchedule: schedule(s.ProviderConfig["chunk_length_schedule"])},
	}
	b, _ := json.Marshal(m) // plain structs: cannot fail
	return b
}

// schedule reads a chunk_length_schedule from provider_config (a JSON array
// of numbers, each clamped to the service's 50–500), else the default.
func schedule(v any) []int {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return defaultSchedule
	}
	out := make([]int, 0, len(list))
	for _, x := range list {
		f, ok := x.(float64)
		if !ok {
			return defaultSchedule
		}
		out = append(out, min(max(int(f), 50), 500))
	}
	return out
}

type textMessage struct {
	Text  string `json:"text"`
	Flush bool   `json:"flush"`
}

// chunkMessage carries one chunk of text: it ends with a space, as the
// service asks, and flushes so generation starts at once.
func chunkMessage(text string) []byte {
	b, _ := json.Marshal(textMessage{Text: text + " ", Flush: true})
	return b
}

// eos ends the generation: the service sends the rest, then isFinal.
var eos = []byte(`{"text":""}`)
