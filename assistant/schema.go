package assistant

import (
	"reflect"

	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// schema is the assistant configuration's: Config, its defaults, where its
// secrets are and how array elements holding them are identified.
var schema = typeddoc.New(Defaults, typeddoc.Options{
	ElementDefaults: map[reflect.Type]func() any{
		reflect.TypeFor[CustomTool]():        func() any { return customToolDefaults() },
		reflect.TypeFor[Keyword]():           func() any { return Keyword{Intensifier: 1} },
		reflect.TypeFor[AssistantTransfer](): func() any { return AssistantTransfer{SpeakGreeting: true} },
	},
	Secrets: [][]string{
		{"llm_provider_config", "api_key"},
		{"llm_fallback_providers", "fallbacks", "[]", "api_key"},
		{"api_keys", "*"},
		{"twilio_config", "auth_token"},
		{"telnyx_config", "api_key"},
		{"stt_settings", "provider_config", "api_key"},
		{"tts_settings", "provider_config", "api_key"},
		{"tools_settings", "custom_tools", "[]", "headers", "*"},
		{"webhook_settings", "secret"},
	},
	Identity: map[string][]string{
		"llm_fallback_providers.fallbacks":          {"provider", "base_url", "model"},
		"stt_fallback_providers.fallbacks":          {"provider", "model"},
		"tools_settings.custom_tools":               {"name"},
		"tools_settings.assistant_transfer.targets": {"assistant_id"},
	},
})

// Schema is the configuration's typed-document schema, from which its
// documented JSON Schemas are derived.
func Schema() *typeddoc.Schema { return schema }

// Document is a configuration as generic JSON.
type Document = typeddoc.Document

// FieldError is one problem with a request body, located like FastAPI's
// validation errors so Burki clients parse it the same way.
type FieldError = typeddoc.FieldError

// ValidationError lists every problem found in one request.
type ValidationError = typeddoc.ValidationError

// Sealer encrypts secrets for storage and decrypts them for use.
type Sealer = typeddoc.Sealer

// Mask is what responses show in place of a stored secret; sending it back
// keeps the stored value.
const Mask = typeddoc.Mask

// ErrInvalidJSON is returned for a body that is not one JSON object.
var ErrInvalidJSON = typeddoc.ErrInvalidJSON

// DecodeDocument parses a JSON object, keeping numbers exact.
func DecodeDocument(data []byte) (Document, error) { return typeddoc.DecodeDocument(data) }
