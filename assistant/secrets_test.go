package assistant

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

const secretfulBody = `{"name":"a",
	"llm_provider_config":{"api_key":"sk-primary"},
	"llm_fallback_providers":{"enabled":true,"fallbacks":[{"provider":"anthropic","api_key":"sk-ant","model":"claude-haiku-4-5"},{"provider":"groq","api_key":"gsk-groq","model":"llama-3.3-70b-versatile"}]},
	"api_keys":{"deepgram_api_key":"dg-key","elevenlabs_api_key":"el-key"},
	"twilio_config":{"account_sid":"AC1","auth_token":"tw-token"},
	"telnyx_config":{"api_key":"KEYtelnyx","connection_id":"c1"},
	"stt_settings":{"provider_config":{"api_key":"dg-override","base_url":"http://127.0.0.1:1"}},
	"tts_settings":{"provider_config":{"api_key":"tts-override"}},
	"tools_settings":{"custom_tools":[{"name":"lookup","description":"Look up","url":"https://example.com/x","headers":{"Authorization":"Bearer hook"}}]}}`

var plaintexts = []string{"sk-primary", "sk-ant", "gsk-groq", "dg-key", "el-key", "tw-token", "KEYtelnyx", "dg-override", "tts-override", "Bearer hook"}

func TestSecretsAreSealedAndMasked(t *testing.T) {
	res := mustApply(t, nil, secretfulBody)
	for _, p := range plaintexts {
		if strings.Contains(string(res.JSON), p) {
			t.Errorf("stored document holds %q in clear", p)
		}
	}
	c := res.Config
	if *c.LLMProviderConfig.APIKey != "sk-primary" || *c.LLMFallbackProviders.Fallbacks[1].APIKey != "gsk-groq" ||
		c.APIKeys["deepgram_api_key"] != "dg-key" || *c.TwilioConfig.AuthToken != "tw-token" ||
		c.STTSettings.ProviderConfig["api_key"] != "dg-override" || c.ToolsSettings.CustomTools[0].Headers["Authorization"] != "Bearer hook" {
		t.Errorf("opened config lost secrets: %+v", c)
	}
	for _, p := range plaintexts {
		if !slices.Contains(res.Secrets, p) {
			t.Errorf("opened secret %q not listed for scrubbing: %q", p, res.Secrets)
		}
	}
	if *c.TwilioConfig.AccountSID != "AC1" || c.STTSettings.ProviderConfig["base_url"] != "http://127.0.0.1:1" {
		t.Error("non-secret fields were altered")
	}

	masked, err := Masked(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(masked)
	for _, p := range plaintexts {
		if strings.Contains(string(data), p) {
			t.Errorf("masked output holds %q", p)
		}
	}
	if n := strings.Count(string(data), `"`+Mask+`"`); n != len(plaintexts) {
		t.Errorf("%d masks in %s, want %d", n, data, len(plaintexts))
	}
}

// A client that GETs (masked) and PUTs the whole object back keeps every
// stored secret; a new value replaces just that one.
func TestMaskRoundTripKeepsSecrets(t *testing.T) {
	stored := mustApply(t, nil, secretfulBody).Doc
	masked, err := Masked(stored)
	if err != nil {
		t.Fatal(err)
	}
	masked.LLMFallbackProviders.Fallbacks[0].APIKey = ptr("sk-ant-rotated")
	body, _ := json.Marshal(masked)
	res := mustApply(t, stored, string(body))
	c := res.Config
	if *c.LLMProviderConfig.APIKey != "sk-primary" || *c.LLMFallbackProviders.Fallbacks[1].APIKey != "gsk-groq" ||
		c.APIKeys["elevenlabs_api_key"] != "el-key" || *c.TelnyxConfig.APIKey != "KEYtelnyx" ||
		c.ToolsSettings.CustomTools[0].Headers["Authorization"] != "Bearer hook" {
		t.Errorf("round trip lost a secret: %+v", c)
	}
	if *c.LLMFallbackProviders.Fallbacks[0].APIKey != "sk-ant-rotated" {
		t.Errorf("rotated key not applied")
	}
	if !slices.Equal(res.Changed, []string{"llm_fallback_providers.fallbacks"}) {
		t.Errorf("Changed = %v", res.Changed)
	}
}

func TestMaskWithoutStoredSecretIsAnError(t *testing.T) {
	errs := validationErrors(t, nil, `{"name":"a","api_keys":{"deepgram_api_key":"********"}}`)
	if !slices.Equal(paths(errs), []string{"api_keys.deepgram_api_key"}) {
		t.Errorf("errors at %v", paths(errs))
	}
}

func TestSecretNullClears(t *testing.T) {
	stored := mustApply(t, nil, secretfulBody).Doc
	c := mustApply(t, stored, `{"llm_provider_config":{"api_key":null},"api_keys":{"deepgram_api_key":null}}`).Config
	if c.LLMProviderConfig.APIKey != nil {
		t.Error("api_key not cleared")
	}
	if _, present := c.APIKeys["deepgram_api_key"]; present || c.APIKeys["elevenlabs_api_key"] != "el-key" {
		t.Errorf("api_keys = %v", c.APIKeys)
	}
}

func TestSecretTooLong(t *testing.T) {
	errs := validationErrors(t, nil, `{"name":"a","llm_provider_config":{"api_key":"`+strings.Repeat("k", typeddoc.MaxSecretLen+1)+`"}}`)
	if !slices.Equal(paths(errs), []string{"llm_provider_config.api_key"}) {
		t.Errorf("errors at %v", paths(errs))
	}
}

func ptr[T any](v T) *T { return &v }

// Masked secrets in arrays follow their element, not its index.
func TestMaskedSecretsFollowReorderedElements(t *testing.T) {
	stored := mustApply(t, nil, secretfulBody).Doc
	res := mustApply(t, stored, `{"llm_fallback_providers":{"fallbacks":[{"provider":"groq","api_key":"********","model":"llama-3.3-70b-versatile"},{"provider":"anthropic","api_key":"********","model":"claude-haiku-4-5"}]}}`)
	fb := res.Config.LLMFallbackProviders.Fallbacks
	if fb[0].Provider != "groq" || *fb[0].APIKey != "gsk-groq" || fb[1].Provider != "anthropic" || *fb[1].APIKey != "sk-ant" {
		t.Fatalf("reordered fallbacks got the wrong keys: %+v %s, %+v %s", fb[0], *fb[0].APIKey, fb[1], *fb[1].APIKey)
	}
	errs := validationErrors(t, stored, `{"llm_fallback_providers":{"fallbacks":[{"provider":"openai","api_key":"********"}]}}`)
	if !slices.Equal(paths(errs), []string{"llm_fallback_providers.fallbacks[0].api_key"}) {
		t.Fatalf("mask for a new element: %v", paths(errs))
	}
}

// Sending a secret equal to the stored one changes nothing, not even its
// sealed bytes, so history stays exact.
func TestResendingASecretIsANoOp(t *testing.T) {
	stored := mustApply(t, nil, secretfulBody).Doc
	res := mustApply(t, stored, `{"llm_provider_config":{"api_key":"sk-primary"},"api_keys":{"deepgram_api_key":"dg-key"}}`)
	if len(res.Changed) != 0 {
		t.Fatalf("Changed = %v", res.Changed)
	}
	if typeddoc.Lookup(res.Doc, []any{"llm_provider_config", "api_key"}) != typeddoc.Lookup(stored, []any{"llm_provider_config", "api_key"}) {
		t.Fatal("unchanged secret was re-sealed")
	}
}
