package famulor

import "strings"

// Famulor names languages, voices, models and providers by integer ids its
// clients read from catalogs. These are the engine's: each id stands for a
// language, voice, model or provider Switchboard runs.

// Language is a language the recogniser is set to.
type Language struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	ISO2 string `json:"iso_2"`
	code string // stt_settings.language
}

// Languages is the language catalog.
var Languages = []Language{
	{1, "English", "en", "en-US"}, {2, "German", "de", "de-DE"}, {3, "Dutch", "nl", "nl-NL"},
	{4, "French", "fr", "fr-FR"}, {5, "Spanish", "es", "es-ES"}, {6, "Italian", "it", "it-IT"},
	{7, "Portuguese", "pt", "pt-PT"}, {8, "Polish", "pl", "pl-PL"},
}

// Provider is a synthesizer or transcriber provider.
type Provider struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"` // tts_settings.provider or stt_settings.provider
}

// Synthesizers and Transcribers are the provider catalogs.
var (
	Synthesizers = []Provider{{1, "ElevenLabs", "elevenlabs"}, {2, "Deepgram Aura", "deepgram"}, {3, "Cartesia", "cartesia"}, {4, "OpenAI", "openai"}}
	Transcribers = []Provider{{1, "Deepgram", "deepgram"}}
)

// Voice is a voice of a synthesizer.
type Voice struct {
	ID                    int64   `json:"id"`
	Name                  string  `json:"name"`
	LanguageID            *int64  `json:"language_id"` // null: any language
	Gender                string  `json:"gender"`
	PreviewURL            *string `json:"preview_url"`
	Accent                string  `json:"accent"`
	Age                   string  `json:"age"`
	SynthesizerProviderID int64   `json:"synthesizer_provider_id"`
	voice                 string  // tts_settings.voice_id
}

func english() *int64 { id := int64(1); return &id }

// Voices is the voice catalog: ElevenLabs' premade voices (multilingual)
// and Deepgram Aura's English ones.
var Voices = []Voice{
	{1, "Rachel", nil, "female", nil, "american", "young", 1, "rachel"},
	{2, "Domi", nil, "female", nil, "american", "young", 1, "domi"},
	{3, "Bella", nil, "female", nil, "american", "young", 1, "bella"},
	{4, "Antoni", nil, "male", nil, "american", "young", 1, "antoni"},
	{5, "Elli", nil, "female", nil, "american", "young", 1, "elli"},
	{6, "Josh", nil, "male", nil, "american", "young", 1, "josh"},
	{7, "Arnold", nil, "male", nil, "american", "middle_aged", 1, "arnold"},
	{8, "Adam", nil, "male", nil, "american", "middle_aged", 1, "adam"},
	{9, "Sam", nil, "male", nil, "american", "young", 1, "sam"},
	{20, "Thalia", english(), "female", nil, "american", "young", 2, "thalia"},
	{21, "Orion", english(), "male", nil, "american", "middle_aged", 2, "orion"},
	{22, "Luna", english(), "female", nil, "american", "young", 2, "luna"},
}

// Model is a language model of a provider.
type Model struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Code     string `json:"code"` // llm_provider_config.model
	provider string // llm_provider
}

// Models is the pipeline model catalog.
var Models = []Model{
	{1, "GPT-4o mini", "gpt-4o-mini", "openai"}, {2, "GPT-4o", "gpt-4o", "openai"},
	{3, "GPT-4.1 mini", "gpt-4.1-mini", "openai"}, {4, "GPT-4.1", "gpt-4.1", "openai"},
	{5, "Claude Haiku 3.5", "claude-3-5-haiku-latest", "anthropic"}, {6, "Claude Sonnet 4", "claude-sonnet-4-20250514", "anthropic"},
	{7, "Gemini 2.0 Flash", "gemini-2.0-flash", "gemini"}, {8, "Gemini 2.5 Flash", "gemini-2.5-flash", "gemini"},
}

func find[T any](list []T, match func(T) bool) (T, bool) {
	for _, v := range list {
		if match(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func languageByID(id int64) (Language, bool) {
	return find(Languages, func(l Language) bool { return l.ID == id })
}

func voiceByID(id int64) (Voice, bool) { return find(Voices, func(v Voice) bool { return v.ID == id }) }

func modelByID(id int64) (Model, bool) { return find(Models, func(m Model) bool { return m.ID == id }) }

func synthesizerByID(id int64) (Provider, bool) {
	return find(Synthesizers, func(p Provider) bool { return p.ID == id })
}

// idOf returns the id of the catalog entry matching, or nil.
func idOf[T any](list []T, match func(T) bool, id func(T) int64) *int64 {
	if v, ok := find(list, match); ok {
		n := id(v)
		return &n
	}
	return nil
}

func languageID(code string) *int64 {
	return idOf(Languages, func(l Language) bool { return strings.EqualFold(l.code, code) }, func(l Language) int64 { return l.ID })
}

func voiceID(provider, voice string) *int64 {
	p, ok := find(Synthesizers, func(p Provider) bool { return p.Code == provider })
	if !ok {
		return nil
	}
	return idOf(Voices, func(v Voice) bool { return v.SynthesizerProviderID == p.ID && strings.EqualFold(v.voice, voice) },
		func(v Voice) int64 { return v.ID })
}

func modelID(provider, model string) *int64 {
	return idOf(Models, func(m Model) bool { return m.provider == provider && m.Code == model }, func(m Model) int64 { return m.ID })
}
