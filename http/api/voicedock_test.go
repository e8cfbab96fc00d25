package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const vd = "/voicedock/api/v1"

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// voiceDockFull is seed 003's assistant with what Switchboard runs.
func voiceDockFull() map[string]any {
	return map[string]any{
		"name": "Customer Support Agent", "business_name": "Acme Corp",
		"first_message": "Hello, welcome to Acme. How can I help you today?", "is_active": true,
		"max_duration_seconds": 300, "autonomous_silence_handling": true, "silence_timeout_seconds": 8,
		"voicemail_detection": true, "voicemail_message": "We will call you back.", "gdpr_mode": true,
		"recording_consent": map[string]any{"enabled": true, "message": "Press 1 to agree to recording."},
		"analysis_plan": map[string]any{
			"structured_data_plan": map[string]any{"enabled": true,
				"schema": map[string]any{"type": "object", "properties": map[string]any{
					"intent":    map[string]any{"type": "string"},
					"sentiment": map[string]any{"type": "string", "enum": []any{"positive", "neutral", "negative"}}}},
				"messages": []any{map[string]any{"role": "system", "content": "Analyze the call against {{schema}}"}}},
			"min_messages_threshold": 5},
		"stt_config": map[string]any{"provider": "deepgram", "model": "nova-3-general", "language": "nl",
			"keyterms": []any{"Acme", "okay"}, "smart_format": true, "endpointing": 400, "utterance_end_ms": 1500},
		"llm_config": map[string]any{"provider": "openai", "model": "gpt-4o", "temperature": 0.7, "max_completion_tokens": 800,
			"messages": []any{map[string]any{"role": "system", "content": "You support Acme's customers."}},
			"tools": []any{map[string]any{"name": "lookup_contact", "description": "Look up contact information",
				"url": "https://n8n.example.com/webhook/contacts",
				"parameters": map[string]any{"type": "object", "properties": map[string]any{
					"query": map[string]any{"type": "string", "description": "Name or phone number"}}, "required": []any{"query"}}}},
			"analysis_model": "gpt-4o-mini"},
		"tts_config": map[string]any{"provider": "elevenlabs", "voice_id": "ukiwGs47sHyibruHJ1vg", "model": "eleven_flash_v2_5",
			"stability": 0.5, "similarity_boost": 0.75, "style": 0.1, "use_speaker_boost": false, "speed": 1.2},
		"speech_config": map[string]any{
			"turn_taking": map[string]any{"endpointing_min_delay": 0.4, "endpointing_max_delay": 2, "interruption_min_words": 2,
				"false_interruption_timeout": 1.5},
			"pronunciation":    []any{map[string]any{"from": "Acme", "to": "Ackmee"}},
			"background_audio": map[string]any{"enabled": true, "clip": "city", "volume": 0.3},
			"silence": map[string]any{"messages": []any{"Are you there?", "Still with me?"}, "final_message": "Goodbye.",
				"first_check_seconds": 5, "interval_seconds": 10, "max_attempts": 2},
			"end_call_message": "Thanks for calling.", "first_message_outbound": "Hi, this is Acme calling.",
			"end_call_phrases": []any{"bye now"}},
	}
}

// sameJSON reports whether want's fields (recursively) read back in got.
func sameJSON(t *testing.T, where string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: %v, want an object", where, got)
			return
		}
		for k, v := range w {
			sameJSON(t, where+"."+k, g[k], v)
		}
	default:
		if !reflect.DeepEqual(normalize(got), normalize(want)) {
			t.Errorf("%s reads back %v, want %v", where, got, want)
		}
	}
}

func TestVoiceDockCreateReadsBackExactly(t *testing.T) {
	h := newHarness(t)
	body := voiceDockFull()
	a := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, body)["assistant"].(map[string]any)
	id, _ := a["id"].(string)
	if !uuidPattern.MatchString(id) {
		t.Fatalf("id %q is not a UUID", id)
	}
	sameJSON(t, "create", a, body)
	got := h.must(http.StatusOK, "GET", vd+"/assistants/"+id, h.keyA, nil)["assistant"]
	sameJSON(t, "get", got, body)
	alias := h.must(http.StatusOK, "GET", vd+"/agents/"+id, h.keyA, nil)["assistant"]
	if !reflect.DeepEqual(alias, got) {
		t.Fatalf("the agents alias differs: %v", alias)
	}
	list := h.must(http.StatusOK, "GET", vd+"/assistants", h.keyA, nil)["assistants"].([]any)
	if len(list) != 1 || !reflect.DeepEqual(list[0], got) {
		t.Fatalf("list: %v", list)
	}

	// the same assistant through Burki's API: the settings calls use
	items := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=Customer", h.keyA, nil)["items"].([]any)
	b := items[0].(map[string]any)
	if b["uuid"] != id {
		t.Errorf("Burki's uuid %v, want VoiceDock's id %s", b["uuid"], id)
	}
	for path, want := range map[string]any{
		"llm_settings.welcome_message":                        "Hello, welcome to Acme. How can I help you today?",
		"llm_settings.system_prompt":                          "You support Acme's customers.",
		"llm_settings.max_tokens":                             800,
		"stt_settings.language":                               "nl-NL",
		"stt_settings.endpointing.silence_threshold":          400, // turn_taking.endpointing_min_delay, sent after stt_config.endpointing
		"stt_settings.utterance_timeout_seconds":              2,
		"interruption_settings.interruption_threshold":        2,
		"interruption_settings.false_interruption_timeout_ms": 1500,
		"idle_timeout":                                        5,
		"max_idle_messages":                                   2,
		"silence_settings.max_silence_seconds":                8,
		"recording_settings.consent_required":                 true,
		"privacy_settings.gdpr_mode":                          true,
		"voicemail_settings.detection":                        "outbound",
		"variables.business_name":                             "Acme Corp",
		"tools_settings.custom_tools.0.url":                   nil, // arrays are not walked by get
		"call_flow_settings.outbound_welcome_message":         "Hi, this is Acme calling.",
		"analysis_settings.min_messages":                      5,
		"analysis_settings.model":                             "gpt-4o-mini",
		"tts_settings.background_sound.storage_key":           "city",
	} {
		if got := get(b, splitPath(path)...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Burki %s = %v, want %v", path, got, want)
		}
	}
}

func TestVoiceDockNameOnlyCreateGetsDefaults(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, map[string]any{"name": "Only a name"})["assistant"].(map[string]any)
	sameJSON(t, "defaults", a, map[string]any{
		"name": "Only a name", "first_message": nil, "is_active": true, "autonomous_silence_handling": false,
		"voicemail_detection": false, "gdpr_mode": false, "recording_consent": nil, "webhook_url": nil, "webhook_secret": nil,
		"stt_config":    map[string]any{"provider": "deepgram", "language": "en"},
		"llm_config":    map[string]any{"provider": "openai", "model": "gpt-4o-mini"},
		"tts_config":    map[string]any{"provider": "elevenlabs"},
		"speech_config": map[string]any{"silence": map[string]any{"first_check_seconds": 3, "interval_seconds": 12, "max_attempts": 3}},
	})
	status, body := h.call("POST", vd+"/assistants", h.keyA, map[string]any{"first_message": "no name"})
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["details"]), "name") {
		t.Fatalf("create without a name: %d %v", status, body)
	}
}

func TestVoiceDockPatchMergesAndReplacesOpaqueJSON(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, voiceDockFull())["assistant"].(map[string]any)
	id := a["id"].(string)
	after := h.must(http.StatusOK, "PATCH", vd+"/assistants/"+id, h.keyA, map[string]any{
		"first_message": "Hi there.",
		"speech_config": map[string]any{"turn_taking": map[string]any{"endpointing_max_delay": 3}},
		"analysis_plan": map[string]any{"structured_data_plan": map[string]any{
			"schema": map[string]any{"type": "object", "properties": map[string]any{"budget": map[string]any{"type": "number"}}}}},
	})["assistant"].(map[string]any)
	// only what was sent changed: nested objects merge, the schema is replaced whole
	want := map[string]any{}
	for k, v := range a {
		want[k] = v
	}
	want["first_message"] = "Hi there."
	tt := get(want, "speech_config", "turn_taking").(map[string]any)
	tt["endpointing_max_delay"] = 3.0
	plan := get(want, "analysis_plan", "structured_data_plan").(map[string]any)
	plan["schema"] = map[string]any{"type": "object", "properties": map[string]any{"budget": map[string]any{"type": "number"}}}
	delete(want, "updated_at")
	delete(after, "updated_at")
	if !reflect.DeepEqual(normalize(after), normalize(want)) {
		t.Fatalf("after the PATCH:\n got %v\nwant %v", after, want)
	}

	// one assistant, three views: the PATCH shows through Burki's and Famulor's
	b := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=Customer", h.keyA, nil)["items"].([]any)[0].(map[string]any)
	if get(b, "llm_settings", "welcome_message") != "Hi there." {
		t.Fatalf("Burki welcome_message: %v", get(b, "llm_settings", "welcome_message"))
	}
	burkiID := int64(b["id"].(float64))
	if f := famulorItem(h, h.keyA, burkiID); f["initial_message"] != "Hi there." || f["uuid"] != id {
		t.Fatalf("Famulor initial_message %v uuid %v", f["initial_message"], f["uuid"])
	}
	// and a Burki write shows through VoiceDock's
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%d", burkiID), h.keyA,
		map[string]any{"llm_settings": map[string]any{"welcome_message": "Good day."}, "privacy_settings": map[string]any{"gdpr_mode": false}})
	got := h.must(http.StatusOK, "GET", vd+"/assistants/"+id, h.keyA, nil)["assistant"].(map[string]any)
	if got["first_message"] != "Good day." || got["gdpr_mode"] != false {
		t.Fatalf("VoiceDock after a Burki write: %v %v", got["first_message"], got["gdpr_mode"])
	}
	// a VoiceDock write is translated on the configuration it applies to:
	// voicemail_detection true keeps Burki's detection on every call
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%d", burkiID), h.keyA,
		map[string]any{"voicemail_settings": map[string]any{"detection": "all"}})
	h.must(http.StatusOK, "PATCH", vd+"/assistants/"+id, h.keyA, map[string]any{"voicemail_detection": true})
	if b := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", burkiID), h.keyA, nil); get(b, "voicemail_settings", "detection") != "all" {
		t.Fatalf("detection %v", get(b, "voicemail_settings", "detection"))
	}
	hist := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d/settings-history", burkiID), h.keyA, nil)
	if hist["total"] != 3.0 { // VoiceDock's PATCH, Burki's, Burki's; the last VoiceDock one changed nothing
		t.Fatalf("history after VoiceDock and Burki writes: %v", hist["total"])
	}
}

func TestVoiceDockRefusesBadAndUnsupportedValues(t *testing.T) {
	h := newHarness(t)
	id := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, voiceDockFull())["assistant"].(map[string]any)["id"].(string)
	many := make([]any, 51)
	for i := range many {
		many[i] = map[string]any{"from": fmt.Sprint("w", i), "to": "x"}
	}
	sc := func(k string, v any) map[string]any { return map[string]any{"speech_config": map[string]any{k: v}} }
	tt := func(k string, v any) map[string]any { return sc("turn_taking", map[string]any{k: v}) }
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{tt("endpointing_min_delay", 0.05), "speech_config.turn_taking.endpointing_min_delay"},
		{tt("endpointing_max_delay", 0.2), "speech_config.turn_taking.endpointing_max_delay"}, // below the min 0.4
		{tt("interruption_min_words", 11), "speech_config.turn_taking.interruption_min_words"},
		{tt("false_interruption_timeout", 6), "speech_config.turn_taking.false_interruption_timeout"},
		{tt("interruption_min_duration", 0.3), "speech_config.turn_taking.interruption_min_duration"},
		{sc("pronunciation", many), "speech_config.pronunciation"},
		{sc("background_audio", map[string]any{"clip": "beach"}), "speech_config.background_audio.clip"},
		{sc("silence", map[string]any{"interval_seconds": 2}), "speech_config.silence.interval_seconds"},
		{sc("end_call_phrases", []any{"a", "b", "c", "d", "e", "f"}), "speech_config.end_call_phrases"},
		{map[string]any{"llm_config": map[string]any{"tools": []any{map[string]any{"name": "1bad", "url": "https://x.test"}}}}, "llm_config.tools.0.name"},
		{map[string]any{"llm_config": map[string]any{"tools": []any{map[string]any{"name": "book", "description": "d"}}}}, "llm_config.tools.0.url"},
		{map[string]any{"llm_config": map[string]any{"tools": []any{map[string]any{"name": "no_url", "description": "d"}}}}, "llm_config.tools.0.url"},
		{map[string]any{"llm_config": map[string]any{"provider": "xai_realtime"}}, "llm_config.provider"},
		{map[string]any{"llm_config": map[string]any{"temperature": 2.5}}, "llm_config.temperature"},
		{map[string]any{"stt_config": map[string]any{"provider": "gladia"}}, "stt_config.provider"},
		{map[string]any{"stt_config": map[string]any{"endpointing": 6000}}, "stt_config.endpointing"},
		{map[string]any{"stt_config": map[string]any{"language": "xx"}}, "stt_config.language"},
		{map[string]any{"tts_config": map[string]any{"speed": 2.5}}, "tts_config.speed"},
		{map[string]any{"tts_config": map[string]any{"provider": "inworld"}}, "tts_config.provider"},
		{map[string]any{"gdpr_mode": "yes"}, "gdpr_mode"},
		{map[string]any{"webhook_url": "ftp://hooks.example.com"}, "webhook_url"},
		{map[string]any{"webhook_events": []any{"assistant-request", "analysis-report"}}, "webhook_events"},
		{map[string]any{"webhook_events": []any{"status-update", "transcript"}}, "webhook_events"},
		{map[string]any{"webhook_events": []any{"call-ended"}}, "webhook_events"},
		{map[string]any{"notification_emails": []any{"a@b.c"}}, "notification_emails"},
		{map[string]any{"recording_consent": map[string]any{"enabled": true}}, "recording_consent.message"},
		{map[string]any{"analysis_plan": map[string]any{"structured_data_plan": map[string]any{"schema": map[string]any{"type": 5}}}}, "analysis_plan.structured_data_plan.schema.type"},
		{map[string]any{"colour": "red"}, "colour"},
		{map[string]any{"stt_config": map[string]any{"provider": nil}}, "stt_config.provider"},
		{map[string]any{"llm_config": map[string]any{"model": nil}}, "llm_config.model"},
		{map[string]any{"name": nil}, "name"},
	} {
		status, body := h.call("PATCH", vd+"/assistants/"+id, h.keyA, tc.body)
		details, _ := body["details"].([]any)
		if status != http.StatusBadRequest || len(details) != 1 || !strings.HasPrefix(details[0].(string), tc.field+":") {
			t.Errorf("%v: %d %v, want a 400 naming %s", tc.body, status, body, tc.field)
		}
		if _, isString := body["error"].(string); !isString {
			t.Errorf("error is not a string: %v", body)
		}
	}
	b := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=Customer", h.keyA, nil)["items"].([]any)[0].(map[string]any)
	if b["version"] != 1.0 {
		t.Fatalf("a refused write changed the assistant: version %v", b["version"])
	}
}

func TestVoiceDockAuthAndOrganizations(t *testing.T) {
	h := newHarness(t)
	for _, key := range []string{"", "sk-wrong"} {
		status, body := h.call("GET", vd+"/assistants", key, nil)
		if _, isString := body["error"].(string); status != http.StatusUnauthorized || !isString {
			t.Fatalf("key %q: %d %v", key, status, body)
		}
	}
	id := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, map[string]any{"name": "Mine"})["assistant"].(map[string]any)["id"].(string)
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		for _, path := range []string{vd + "/assistants/" + id, vd + "/agents/" + id} {
			status, body := h.call(m, path, h.keyB, map[string]any{"name": "stolen"})
			if status != http.StatusNotFound || body["error"] != "Assistant not found" {
				t.Fatalf("%s %s by another organization: %d %v", m, path, status, body)
			}
		}
	}
	if list := h.must(http.StatusOK, "GET", vd+"/assistants", h.keyB, nil)["assistants"].([]any); len(list) != 0 {
		t.Fatalf("another organization lists %v", list)
	}
	for _, path := range []string{vd + "/assistants/not-a-uuid", vd + "/assistants/00000000-0000-4000-8000-000000000000", vd + "/calls"} {
		status, body := h.call("GET", path, h.keyA, nil)
		if _, isString := body["error"].(string); status != http.StatusNotFound || !isString {
			t.Fatalf("%s: %d %v", path, status, body)
		}
	}
	// the UUID is stable across writes
	h.must(http.StatusOK, "PATCH", vd+"/agents/"+id, h.keyA, map[string]any{"name": "Renamed"})
	if got := h.must(http.StatusOK, "GET", vd+"/assistants/"+id, h.keyA, nil)["assistant"].(map[string]any); got["name"] != "Renamed" || got["id"] != id {
		t.Fatalf("after rename: %v", got)
	}
	if status, raw := h.raw("DELETE", vd+"/assistants/"+id, h.keyA, nil); status != http.StatusNoContent || len(raw) != 0 {
		t.Fatalf("delete: %d %s", status, raw)
	}
	h.must(http.StatusNotFound, "GET", vd+"/assistants/"+id, h.keyA, nil)
}

// VoiceDock's webhook settings read back as written (the secret masked),
// the mask keeps the secret, null clears it, and the assistant sends
// VoiceDock's webhooks, signed with it.
func TestVoiceDockWebhookSettings(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", vd+"/assistants", h.keyA, map[string]any{"name": "Hooks",
		"webhook_url": "https://hooks.test/vd", "webhook_secret": "vd-secret-1", "webhook_events": []any{"end-of-call-report"}})["assistant"].(map[string]any)
	uuid := a["id"].(string)
	sameJSON(t, "created", a, map[string]any{"webhook_url": "https://hooks.test/vd", "webhook_secret": "********",
		"webhook_events": []any{"end-of-call-report"}})
	burki := func() map[string]any {
		items := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=Hooks", h.keyA, nil)["items"].([]any)
		return items[0].(map[string]any)
	}
	if ws := get(burki(), "webhook_settings"); fmt.Sprint(ws) != fmt.Sprint(map[string]any{"enabled": true, "events": []any{"end-of-call-report"},
		"format": "voicedock", "include_recording": true, "reports": "answered", "secret": "********"}) {
		t.Fatalf("Burki's view of the settings: %v", ws)
	}
	stored := func() string {
		var doc string
		if err := h.pool.QueryRow(context.Background(), `SELECT config::text FROM assistants WHERE uuid = $1`, uuid).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	if strings.Contains(stored(), "vd-secret-1") {
		t.Fatal("the secret is stored in clear")
	}
	sealed := stored()
	// the mask sent back keeps the secret; events [] means none
	a = h.must(http.StatusOK, "PATCH", vd+"/assistants/"+uuid, h.keyA, map[string]any{"webhook_secret": "********", "webhook_events": []any{}})["assistant"].(map[string]any)
	sameJSON(t, "patched", a, map[string]any{"webhook_secret": "********", "webhook_events": []any{}})
	if get(burki(), "version") != 2.0 || !strings.Contains(stored(), secretOf(t, sealed)) {
		t.Fatal("sending the mask back changed the secret")
	}
	a = h.must(http.StatusOK, "PATCH", vd+"/assistants/"+uuid, h.keyA, map[string]any{"webhook_secret": nil, "webhook_events": nil, "webhook_url": nil})["assistant"].(map[string]any)
	sameJSON(t, "cleared", a, map[string]any{"webhook_secret": nil, "webhook_events": nil, "webhook_url": nil})
}

// secretOf finds the sealed webhook secret in a stored configuration.
func secretOf(t *testing.T, doc string) string {
	t.Helper()
	var cfg struct {
		WebhookSettings struct{ Secret string } `json:"webhook_settings"`
	}
	if err := json.Unmarshal([]byte(doc), &cfg); err != nil || cfg.WebhookSettings.Secret == "" {
		t.Fatalf("no sealed secret in %s: %v", doc, err)
	}
	return cfg.WebhookSettings.Secret
}
