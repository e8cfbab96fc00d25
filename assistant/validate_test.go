package assistant

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// Hand-written cases for the ranges and enums the API documents.
func TestValidationTable(t *testing.T) {
	cases := []struct {
		body string
		path string
	}{
		{`{"tts_limit":0}`, "tts_limit"},
		{`{"tts_limit":1001}`, "tts_limit"},
		{`{"stt_limit":0}`, "stt_limit"},
		{`{"stt_limit":1.5}`, "stt_limit"},
		{`{"max_call_length":0}`, "max_call_length"},
		{`{"bypass_numbers":["+1 415 555 0123"]}`, "bypass_numbers[0]"},
		{`{"tools_settings":{"transfer_call":{"transfer_numbers":["4155550123"]}}}`, "tools_settings.transfer_call.transfer_numbers[0]"},
		{`{"llm_provider":"openrouter"}`, "llm_provider"},
		{`{"tools_settings":{"transfer_call":{"transfer_type":"lukewarm"}}}`, "tools_settings.transfer_call.transfer_type"},
		{`{"interruption_settings":{"interruption_mode":"polite"}}`, "interruption_settings.interruption_mode"},
		{`{"recording_settings":{"disclosure_mode":"sometimes"}}`, "recording_settings.disclosure_mode"},
		{`{"recording_settings":{"format":"ogg"}}`, "recording_settings.format"},
		{`{"recording_settings":{"sample_rate":11025}}`, "recording_settings.sample_rate"},
		{`{"recording_settings":{"recordings_dir":"../../etc"}}`, "recording_settings.recordings_dir"},
		{`{"llm_settings":{"temperature":2.01}}`, "llm_settings.temperature"},
		{`{"llm_settings":{"top_p":-0.1}}`, "llm_settings.top_p"},
		{`{"llm_settings":{"stop_sequences":["a","b","c","d","e"]}}`, "llm_settings.stop_sequences"},
		{`{"interruption_settings":{"min_stt_confidence":1.1}}`, "interruption_settings.min_stt_confidence"},
		{`{"stt_settings":{"speculative_config":{"speculative_similarity_threshold":0.4}}}`, "stt_settings.speculative_config.speculative_similarity_threshold"},
		{`{"stt_settings":{"speculative_config":{"speculative_debounce_ms":99}}}`, "stt_settings.speculative_config.speculative_debounce_ms"},
		{`{"stt_settings":{"flux_config":{"eager_eot_threshold":0.95}}}`, "stt_settings.flux_config.eager_eot_threshold"},
		{`{"tts_settings":{"background_sound":{"volume":1.5}}}`, "tts_settings.background_sound.volume"},
		{`{"backchannel_settings":{"frequency":6}}`, "backchannel_settings.frequency"},
		{`{"webhook_url":"not a url"}`, "webhook_url"},
		{`{"api_keys":{"Deepgram-Key":"x"}}`, "api_keys.Deepgram-Key"},
		{`{"tools_settings":{"custom_tools":[{"name":"t","description":"d","url":"https://x.test","parameters":{"type":"string"}}]}}`, "tools_settings.custom_tools[0].parameters.type"},
		{`{"tools_settings":{"custom_tools":[{"name":"end_call","description":"d","url":"https://x.test"}]}}`, "tools_settings.custom_tools[0].name"},
		{`{"tools_settings":{"transfer_call":{"enabled":true}}}`, "tools_settings.transfer_call.transfer_numbers"},
		{`{"rag_settings":{"chunk_size":500,"chunk_overlap":500}}`, "rag_settings.chunk_overlap"},
		{`{"llm_fallback_providers":{"fallbacks":[{"model":"x"}]}}`, "llm_fallback_providers.fallbacks[0].provider"},
		{`{"llm_provider":"openai","llm_fallback_providers":{"enabled":true,"fallbacks":[{"provider":"anthropic"}]}}`, "llm_fallback_providers.fallbacks[0].model"},
		{`{"llm_provider":"openai","llm_fallback_providers":{"enabled":true,"fallbacks":[{"provider":"openai"},{"provider":"gemini","model":" "}]}}`, "llm_fallback_providers.fallbacks[1].model"},
		{`{"stt_settings":{"keywords":[{"intensifier":2}]}}`, "stt_settings.keywords[0].keyword"},
		{`{"variables":{"first-name":"Ada"}}`, "variables.first-name"},
		{`{"variables":{"note":"` + strings.Repeat("x", 1001) + `"}}`, "variables.note"},
		{`{"call_flow_settings":{"timezone":"Mars/Olympus"}}`, "call_flow_settings.timezone"},
		{`{"call_flow_settings":{"end_call_phrases":["a","b","c","d","e","f"]}}`, "call_flow_settings.end_call_phrases"},
		{`{"silence_settings":{"interval_seconds":2}}`, "silence_settings.interval_seconds"},
		{`{"filler_settings":{"after_ms":100}}`, "filler_settings.after_ms"},
		{`{"voicemail_settings":{"detection":"sometimes"}}`, "voicemail_settings.detection"},
		{`{"tools_settings":{"collect_keypad":{"stop_key":"0"}}}`, "tools_settings.collect_keypad.stop_key"},
		{`{"tts_settings":{"pronunciation":[{"to":"x"}]}}`, "tts_settings.pronunciation[0].from"},
		{`{"analysis_settings":{"structured_data":{"messages":[{"role":"assistant","content":"x"}]}}}`, "analysis_settings.structured_data.messages[0].role"},
		{`{"analysis_settings":{"structured_data":{"schema":{"type":"object","properties":{"n":{"type":"count"}}}}}}`, "analysis_settings.structured_data.schema"},
		{`{"analysis_settings":{"structured_data":{"schema":{"type":"object","$ref":"file:///etc/passwd"}}}}`, "analysis_settings.structured_data.schema"},
		{`{"interruption_settings":{"false_interruption_timeout_ms":100}}`, "interruption_settings.false_interruption_timeout_ms"},
	}
	for _, tc := range cases {
		body := `{"name":"a",` + strings.TrimPrefix(tc.body, "{")
		errs := validationErrors(t, nil, body)
		if !slices.Equal(paths(errs), []string{tc.path}) {
			t.Errorf("%s: errors at %v, want [%s]", tc.body, paths(errs), tc.path)
		}
	}
}

// Every ranged, enumerated or formatted field of the schema, found by
// walking it, rejects a value just outside its rule, and every field rejects
// a value of the wrong JSON type — each at its own path.
func TestEveryRuleIsEnforced(t *testing.T) {
	stored := mustApply(t, nil, `{"name":"a"}`).Doc
	for _, base := range []Document{nil, stored} {
		checkEveryRule(t, base)
	}
}

func checkEveryRule(t *testing.T, base Document) {
	var checked int
	for _, leaf := range schemaLeaves(reflect.TypeFor[Config](), nil) {
		for _, bad := range badValues(leaf) {
			doc := leaf.patch(bad)
			if _, present := doc["name"]; !present {
				doc["name"] = "a"
			}
			errs := validationErrors(t, base, string(mustJSON(t, doc)))
			want := leaf.pathString()
			if !slices.ContainsFunc(errs, func(e FieldError) bool { return strings.HasPrefix(e.Path(), want) }) {
				t.Errorf("%s = %v accepted (errors: %v)", want, bad, paths(errs))
			}
			checked++
		}
	}
	if checked < 250 {
		t.Fatalf("only %d rule checks generated; the schema walk is broken", checked)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// leaf is one scalar-ish field of the schema reachable from Config.
type leaf struct {
	path  []any // with 0 for "the first element of this array"
	typ   reflect.Type
	rules typeddoc.Rules
}

func (l leaf) pathString() string { return FieldError{Loc: l.path}.Path() }

// patch builds a minimal document setting this leaf to v; array elements
// are given the valid required fields of their type.
func (l leaf) patch(v any) Document {
	root := Document{}
	var cur any = root
	for i, p := range l.path {
		last := i == len(l.path)-1
		switch k := p.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				m[k] = v
				break
			}
			if _, isIdx := l.path[i+1].(int); isIdx {
				el := validElement(l.path[:i+1])
				m[k] = []any{el}
				cur = m[k]
			} else {
				m[k] = map[string]any{}
				cur = m[k]
			}
		case int:
			cur = cur.([]any)[k]
			if last {
				panic("leaf path ends in an index")
			}
		}
	}
	return root
}

func validElement(arrayPath []any) map[string]any {
	switch (FieldError{Loc: arrayPath}).Path() {
	case "tools_settings.custom_tools":
		return map[string]any{"name": "t", "description": "d", "url": "https://x.test"}
	case "llm_fallback_providers.fallbacks":
		return map[string]any{"provider": "openai"}
	case "stt_settings.keywords":
		return map[string]any{"keyword": "k"}
	}
	return map[string]any{}
}

func schemaLeaves(t reflect.Type, at []any) []leaf {
	var out []leaf
	for _, f := range typeddoc.Fields(typeddoc.Deref(t)) {
		p := append(slices.Clone(at), f.Name)
		ft := typeddoc.Deref(f.Type)
		switch {
		case ft.Kind() == reflect.Struct:
			out = append(out, schemaLeaves(ft, p)...)
		case ft.Kind() == reflect.Slice && typeddoc.IsStruct(ft.Elem()):
			out = append(out, leaf{path: p, typ: f.Type, rules: f.Rules})
			out = append(out, schemaLeaves(ft.Elem(), append(p, 0))...)
		default:
			out = append(out, leaf{path: p, typ: f.Type, rules: f.Rules})
		}
	}
	return out
}

// badValues are values violating the leaf's type or one of its rules.
func badValues(l leaf) []any {
	t := typeddoc.Deref(l.typ)
	r := l.rules
	var out []any
	switch t.Kind() {
	case reflect.String:
		out = append(out, 7)
		if r.MaxLen > 0 {
			out = append(out, strings.Repeat("x", r.MaxLen+1))
		}
		if r.Required {
			out = append(out, "")
		}
		if len(r.Enum) > 0 {
			out = append(out, "not-an-option")
		}
	case reflect.Bool:
		out = append(out, "yes")
	case reflect.Int, reflect.Float64:
		out = append(out, "12")
		if t.Kind() == reflect.Int {
			out = append(out, 1.5)
		}
		if r.Min != nil {
			out = append(out, *r.Min-1)
		}
		if r.Max != nil {
			out = append(out, *r.Max+1)
		}
		if len(r.OneOf) > 0 {
			out = append(out, 12345)
		}
	case reflect.Map:
		out = append(out, []any{})
		if t.Elem().Kind() == reflect.String {
			out = append(out, map[string]any{"k": 1})
		}
	case reflect.Slice:
		out = append(out, map[string]any{})
		if t.Elem().Kind() == reflect.String {
			out = append(out, []any{true})
		}
	}
	for _, f := range r.Formats {
		switch f {
		case "url":
			out = append(out, "ftp://example.com/x")
		case "e164":
			if t.Kind() == reflect.Slice {
				out = append(out, []any{"555-0100"})
			} else {
				out = append(out, "555-0100")
			}
		case "toolname":
			out = append(out, "9 lives")
		case "relpath":
			out = append(out, "/etc")
		case "keyname":
			out = append(out, map[string]any{"Bad Key": "v"})
		case "jsonschema":
			out = append(out, map[string]any{"type": "array"})
		}
	}
	if t.Kind() == reflect.Slice && r.MaxItems > 0 && t.Elem().Kind() == reflect.String {
		items := make([]any, r.MaxItems+1)
		for i := range items {
			items[i] = fmt.Sprintf("+1555%07d", i)
		}
		out = append(out, items)
	}
	return out
}
