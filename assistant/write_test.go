package assistant

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/secrets"
)

func testBox(t testing.TB) *secrets.Box {
	t.Helper()
	b, err := secrets.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustWrite(t testing.TB, body string) Write {
	t.Helper()
	w, err := ParseWrite([]byte(body))
	if err != nil {
		t.Fatalf("ParseWrite(%s): %v", body, err)
	}
	return w
}

func mustApply(t testing.TB, stored Document, body string) Result {
	t.Helper()
	res, err := Apply(stored, mustWrite(t, body), testBox(t))
	if err != nil {
		t.Fatalf("Apply(%s): %v", body, err)
	}
	return res
}

func validationErrors(t *testing.T, stored Document, body string) []FieldError {
	t.Helper()
	_, err := Apply(stored, mustWrite(t, body), testBox(t))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Apply(%s) = %v, want a *ValidationError", body, err)
	}
	return ve.Errors
}

func paths(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Path()
	}
	return out
}

func TestCreateFillsDefaults(t *testing.T) {
	res := mustApply(t, nil, `{"name":"Support"}`)
	want := Defaults()
	want.Name = "Support"
	want.ToolsSettings.EnabledTools = []string{}
	if !reflect.DeepEqual(res.Config, want) {
		t.Fatalf("config mismatch\n got %+v\nwant %+v", res.Config, want)
	}
	if got := res.Doc["idle_message"]; got != DefaultIdleMessage {
		t.Errorf("idle_message = %v", got)
	}
	if !slices.Equal(res.Changed, []string{"name"}) {
		t.Errorf("Changed = %v, want [name]", res.Changed)
	}
}

func TestCreateRequiresName(t *testing.T) {
	for _, body := range []string{`{}`, `{"name":""}`, `{"name":"   "}`, `{"name":null}`} {
		errs := validationErrors(t, nil, body)
		if !slices.Equal(paths(errs), []string{"name"}) {
			t.Errorf("%s: errors at %v, want [name]", body, paths(errs))
		}
	}
}

// The request examples of seed 000, applied in sequence.
func TestSeedExamplesInSequence(t *testing.T) {
	doc := mustApply(t, nil, `{"name":"Customer Support","llm_settings":{"system_prompt":"Be kind.","welcome_message":"Hi!"}}`).Doc
	steps := []string{
		`{"name":"Senior Customer Support Specialist","llm_settings":{"temperature":0.5,"top_p":0.9}}`,
		`{"transfer_call_message":"Let me brief a specialist and connect you.","tools_settings":{"transfer_call":{"enabled":true,"scenarios":["caller asks for a human","billing dispute requires account team"],"transfer_numbers":["+18005551212"],"transfer_type":"warm","agent_confirmation":true,"unavailable_message":"I could not reach an agent right now. I can take a message or schedule a callback."}}}`,
		`{"stt_settings":{"provider":"deepgram","model":"nova-3","language":"en-US","interim_results":true,"speculative_config":{"enable_speculative_llm":true,"speculative_stream_to_tts":false,"speculative_debounce_ms":300,"speculative_min_words":3,"speculative_similarity_threshold":0.85}}}`,
		`{"twilio_config":{"account_sid":"AC123","auth_token":"tok"}}`,
		`{"telnyx_config":{"api_key":"KEYxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","connection_id":"1234567890"},"twilio_config":{"account_sid":null,"auth_token":null}}`,
		`{"telnyx_config":{"api_key":"KEYxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","connection_id":"1234567890"}}`,
	}
	var res Result
	for _, s := range steps {
		res = mustApply(t, doc, s)
		doc = res.Doc
	}
	c := res.Config
	if c.Name != "Senior Customer Support Specialist" || c.LLMSettings.TopP != 0.9 || c.LLMSettings.SystemPrompt != "Be kind." || *c.LLMSettings.WelcomeMessage != "Hi!" {
		t.Errorf("basic settings lost: %+v", c.LLMSettings)
	}
	tc := c.ToolsSettings.TransferCall
	if !tc.Enabled || tc.TransferType != "warm" || !tc.AgentConfirmation || !slices.Equal(tc.TransferNumbers, []string{"+18005551212"}) {
		t.Errorf("warm transfer not applied: %+v", tc)
	}
	if !slices.Equal(c.ToolsSettings.EnabledTools, []string{"transfer_call"}) {
		t.Errorf("enabled_tools = %v", c.ToolsSettings.EnabledTools)
	}
	sc := c.STTSettings
	if sc.Model != "nova-3" || !sc.SpeculativeConfig.EnableSpeculativeLLM || sc.SpeculativeConfig.SpeculativeStreamToTTS {
		t.Errorf("speculative settings not applied: %+v", sc.SpeculativeConfig)
	}
	if sc.Punctuate != true || sc.UtteranceTimeoutSeconds != 2.65 {
		t.Errorf("deep merge lost untouched stt fields: %+v", sc)
	}
	if c.TwilioConfig == nil || c.TwilioConfig.AccountSID != nil || c.TwilioConfig.AuthToken != nil {
		t.Errorf("twilio_config not cleared: %+v", c.TwilioConfig)
	}
	if c.TelnyxConfig == nil || *c.TelnyxConfig.APIKey != "KEYxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" || *c.TelnyxConfig.ConnectionID != "1234567890" {
		t.Errorf("telnyx_config = %+v", c.TelnyxConfig)
	}
}

func TestDeepMergeAndNull(t *testing.T) {
	doc := mustApply(t, nil, `{"name":"a","description":"d","llm_settings":{"temperature":1.2,"max_tokens":50},
		"custom_settings":{"team":{"name":"x","size":3},"keep":true},"bypass_numbers":["+15550001111"],
		"tools_settings":{"transfer_call":{"transfer_numbers":["+15550002222"]}}}`).Doc

	res := mustApply(t, doc, `{"llm_settings":{"max_tokens":80},"custom_settings":{"team":{"size":null,"lead":"y"}}}`)
	c := res.Config
	if c.LLMSettings.Temperature != 1.2 || c.LLMSettings.MaxTokens != 80 {
		t.Errorf("llm_settings = %+v", c.LLMSettings)
	}
	wantCustom := map[string]any{"team": map[string]any{"name": "x", "lead": "y"}, "keep": true}
	if !reflect.DeepEqual(c.CustomSettings, wantCustom) {
		t.Errorf("custom_settings = %v, want %v", c.CustomSettings, wantCustom)
	}
	if !slices.Equal(res.Changed, []string{"custom_settings.team.lead", "custom_settings.team.size", "llm_settings.max_tokens"}) {
		t.Errorf("Changed = %v", res.Changed)
	}

	// null resets to the default: null for nullable fields, the documented
	// default otherwise, and the default object for settings objects.
	res = mustApply(t, res.Doc, `{"description":null,"llm_settings":{"temperature":null},"bypass_numbers":null,"custom_settings":null}`)
	c = res.Config
	if c.Description != nil || c.LLMSettings.Temperature != 0.5 || c.LLMSettings.MaxTokens != 80 || len(c.BypassNumbers) != 0 || len(c.CustomSettings) != 0 {
		t.Errorf("null did not reset: desc=%v llm=%+v bypass=%v custom=%v", c.Description, c.LLMSettings, c.BypassNumbers, c.CustomSettings)
	}
	res = mustApply(t, res.Doc, `{"llm_settings":null}`)
	if !reflect.DeepEqual(res.Config.LLMSettings, Defaults().LLMSettings) {
		t.Errorf("llm_settings:null = %+v", res.Config.LLMSettings)
	}

	// arrays replace; the JSON of an empty array stays [] not null
	if data, _ := json.Marshal(res.Config); !strings.Contains(string(data), `"bypass_numbers":[]`) {
		t.Errorf("empty array not encoded as []: %s", data)
	}
}

func TestNoOpWriteChangesNothing(t *testing.T) {
	doc := mustApply(t, nil, `{"name":"a","llm_settings":{"temperature":0.7}}`).Doc
	res := mustApply(t, doc, `{"name":"a","llm_settings":{"temperature":0.70}}`)
	if len(res.Changed) != 0 {
		t.Errorf("Changed = %v, want none", res.Changed)
	}
}

func TestReadOnlyFieldsIgnored(t *testing.T) {
	res := mustApply(t, nil, `{"name":"a","id":9,"organization_id":1,"user_id":2,"created_at":"x","updated_at":"y","total_calls":3,"avg_call_duration":4,"success_rate":5}`)
	if _, present := res.Doc["id"]; present {
		t.Error("read-only id was stored")
	}
}

func TestChangeDescription(t *testing.T) {
	w := mustWrite(t, `{"name":"a","change_description":"tune"}`)
	if w.ChangeDescription == nil || *w.ChangeDescription != "tune" {
		t.Fatalf("ChangeDescription = %v", w.ChangeDescription)
	}
	if _, present := w.Fields["change_description"]; present {
		t.Error("change_description left in the fields")
	}
	_, err := ParseWrite([]byte(`{"change_description":"` + strings.Repeat("é", 501) + `"}`))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Path() != "change_description" {
		t.Errorf("501 characters: %v", err)
	}
	if _, err := ParseWrite([]byte(`{"change_description":"` + strings.Repeat("é", 500) + `"}`)); err != nil {
		t.Errorf("500 characters: %v", err)
	}
}

func TestParseWriteRejectsNonObjects(t *testing.T) {
	for _, body := range []string{``, `[]`, `"x"`, `{"name":`, `{"a":1} {"b":2}`, `null`} {
		_, err := ParseWrite([]byte(body))
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Type != "json_invalid" {
			t.Errorf("ParseWrite(%q) = %v", body, err)
		}
	}
}

func TestEveryProblemIsListed(t *testing.T) {
	errs := validationErrors(t, nil, `{"name":"a","tts_limit":0,"stt_limit":1001,"llm_provider":"mystery",
		"llm_settings":{"temperature":"hot","bogus":1},"bypass_numbers":["555-1234","+14155550123"],"extra":true}`)
	got := paths(errs)
	want := []string{"extra", "llm_provider", "llm_settings.bogus", "llm_settings.temperature", "bypass_numbers[0]", "tts_limit", "stt_limit"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no error at %s; got %v", w, got)
		}
	}
	if slices.Contains(got, "bypass_numbers[1]") {
		t.Errorf("valid number reported: %v", got)
	}
}

// A write's Replace paths replace free-form objects whole instead of
// merging into them; paths the write does not set are kept.
func TestWriteReplacesOpaqueObjects(t *testing.T) {
	base := mustApply(t, nil, `{"name":"a","variables":{"x":"1","y":"2"},
		"analysis_settings":{"structured_data":{"schema":{"type":"object","properties":{"old":{"type":"string"}}}}}}`)
	w := mustWrite(t, `{"analysis_settings":{"structured_data":{"schema":{"type":"object","properties":{"new":{"type":"number"}}}}}}`)
	w.Replace = [][]string{{"analysis_settings", "structured_data", "schema"}, {"variables"}}
	res, err := Apply(base.Doc, w, testBox(t))
	if err != nil {
		t.Fatal(err)
	}
	props := res.Config.AnalysisSettings.StructuredData.Schema["properties"].(map[string]any)
	if _, old := props["old"]; old || props["new"] == nil {
		t.Fatalf("schema merged instead of replaced: %v", props)
	}
	if len(res.Config.Variables) != 2 {
		t.Fatalf("variables not in the write were dropped: %v", res.Config.Variables)
	}
	if !slices.Equal(res.Changed, []string{"analysis_settings.structured_data.schema.properties.new",
		"analysis_settings.structured_data.schema.properties.old"}) {
		t.Fatalf("changed %v", res.Changed)
	}
}

// A write's Translate derives it from the configuration it applies to.
func TestWriteTranslatesOnTheCurrentConfiguration(t *testing.T) {
	base := mustApply(t, nil, `{"name":"a","max_call_length":60}`)
	desc := "doubled"
	var seen []*Config
	w := Write{ChangeDescription: &desc, Translate: func(current *Config) (Write, error) {
		seen = append(seen, current)
		n := 100
		if current != nil {
			n = *current.MaxCallLength * 2
		}
		return Write{Fields: Document{"name": "a", "max_call_length": json.Number(fmt.Sprint(n))}}, nil
	}}
	res, err := Apply(base.Doc, w, testBox(t))
	if err != nil || *res.Config.MaxCallLength != 120 {
		t.Fatalf("applied on the stored configuration: %v %v", err, res.Config.MaxCallLength)
	}
	if res, err = Apply(nil, w, testBox(t)); err != nil || *res.Config.MaxCallLength != 100 || seen[1] != nil {
		t.Fatalf("a new assistant: %v %v", err, res.Config.MaxCallLength)
	}
	refused := errors.New("refused")
	w.Translate = func(*Config) (Write, error) { return Write{}, refused }
	if _, err := Apply(base.Doc, w, testBox(t)); !errors.Is(err, refused) {
		t.Fatalf("a translation's error: %v", err)
	}
}
