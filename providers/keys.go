package providers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-voice/switchboard/organization"
)

// envKeys are the environment variables holding each provider's key, by
// the provider's name in configurations.
var envKeys = map[string]string{
	"deepgram":     "DEEPGRAM_API_KEY",
	"soniox":       "SONIOX_API_KEY",
	"speechmatics": "SPEECHMATICS_API_KEY",
	"elevenlabs":   "ELEVENLABS_API_KEY",
	"cartesia":     "CARTESIA_API_KEY",
	"openai":       "OPENAI_API_KEY",
	"azure":        "AZURE_OPENAI_API_KEY",
	"anthropic":    "ANTHROPIC_API_KEY",
	"gemini":       "GEMINI_API_KEY",
	"groq":         "GROQ_API_KEY",
	"xai":          "XAI_API_KEY",
	"custom":       "CUSTOM_LLM_API_KEY",
}

// Where a key came from, for logs: never the key itself.
const (
	fromAssistant    = "assistant"
	fromOrganization = "organization"
	fromEnvironment  = "environment"
)

// candidate is a key that may carry a stream.
type candidate struct {
	key    string
	source string
	limit  int // streams at once on this key; 0 for no limit
}

// KeyVariable is the environment variable holding provider's key, e.g.
// OPENAI_API_KEY; "" for a provider the engine does not know.
func KeyVariable(provider string) string { return envKeys[provider] }

// KeyInEnvironment reports whether getenv holds any provider's key: an
// engine without one can only talk to fakes.
func KeyInEnvironment(getenv func(string) string) bool {
	for _, v := range envKeys {
		if getenv(v) != "" {
			return true
		}
	}
	return false
}

// keyName is what a provider's key is called in api_keys and provider_keys.
func keyName(provider string) string { return provider + "_api_key" }

// environment is what the engine's environment says about providers,
// read once.
type environment struct {
	keys   map[string]string // by provider
	bases  map[string]string
	limits map[string]int
}

func readEnvironment(getenv func(string) string) environment {
	e := environment{keys: map[string]string{}, bases: map[string]string{}, limits: map[string]int{}}
	if getenv == nil {
		return e
	}
	for provider, name := range envKeys {
		prefix := "SWITCHBOARD_" + strings.ToUpper(provider)
		if v := getenv(name); v != "" {
			e.keys[provider] = v
		}
		if v := getenv(prefix + "_BASE_URL"); v != "" {
			e.bases[provider] = v
		}
		if n, err := strconv.Atoi(getenv(prefix + "_CONCURRENCY")); err == nil && n > 0 {
			e.limits[provider] = n
		}
	}
	return e
}

// candidates lists the keys for provider in the order they are tried:
// the assistant's own (explicit first, then its api_keys), the
// organization's, the environment's. A key already listed is not repeated.
func (e environment) candidates(provider string, own []string, ownLimit *int, org *organization.Settings) []candidate {
	var out []candidate
	add := func(key, source string, limit int) {
		if key == "" || slices.ContainsFunc(out, func(c candidate) bool { return c.key == key }) {
			return
		}
		out = append(out, candidate{key: key, source: source, limit: limit})
	}
	limit := 0
	if ownLimit != nil {
		limit = *ownLimit
	}
	for _, k := range own {
		add(k, fromAssistant, limit)
	}
	if org != nil {
		name := keyName(provider)
		limit := org.Concurrency[provider]
		add(org.ProviderKeys[name], fromOrganization, limit)
		var spares []string
		for n := range org.ProviderKeys {
			if strings.HasPrefix(n, name+"_") {
				spares = append(spares, n)
			}
		}
		slices.Sort(spares)
		for _, n := range spares {
			add(org.ProviderKeys[n], fromOrganization, limit)
		}
	}
	add(e.keys[provider], fromEnvironment, e.limits[provider])
	return out
}

// stringSetting reads a string from a free-form provider_config.
func stringSetting(m map[string]any, name string) string {
	s, _ := m[name].(string)
	return s
}
