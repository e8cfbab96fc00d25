package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// famulorCreate is a Famulor create body with every field Switchboard
// runs, set away from its default.
func famulorCreate() map[string]any {
	return map[string]any{
		"name": "Famulor Sales", "voice_id": 3, "language_id": 2, "type": "outbound", "mode": "pipeline",
		"timezone": "Europe/Berlin", "initial_message": "Hallo!", "system_prompt": "Sei freundlich, {{company}}.",
		"llm_model_id": 2, "voice_stability": 0.6, "voice_similarity": 0.4, "speech_speed": 1.1, "llm_temperature": 0.3,
		"allow_interruptions": false, "fillers": true,
		"filler_config": map[string]any{"positive": []any{"Gern."}, "negative": []any{}, "question": []any{"Gute Frage."}, "neutral": []any{}},
		"record":        true, "wait_for_customer": true, "max_duration": 900, "max_silence_duration": 20,
		"max_initial_silence_duration": 15, "ringing_time": 25, "reengagement_interval": 12,
		"reengagement_prompt": "Frag nach, ob noch jemand da ist.", "end_call_on_voicemail": true,
		"voice_mail_message": "Bitte rufen Sie zurück.", "endpoint_type": "ai", "endpoint_sensitivity": 2.5,
		"interrupt_sensitivity": 1.5, "min_interrupt_words": 3, "ambient_sound": "forest", "ambient_sound_volume": 0.2,
		"post_call_evaluation": true,
		"post_call_schema": []any{map[string]any{"name": "budget", "type": "number", "description": "The budget named"},
			map[string]any{"name": "interested", "type": "bool", "description": "Whether they want an offer"}},
		"variables": map[string]any{"company": "Acme"},
		"tools": []any{
			map[string]any{"type": "end_call", "description": "When the caller says goodbye"},
			map[string]any{"type": "call_transfer", "phone_number": "+4930123456", "description": "To sales", "warm_transfer": true},
			map[string]any{"type": "collect_keypad", "timeout": 8, "stop_key": "*"},
		},
		// the values that describe what Switchboard does are accepted
		"tts_emotion_enabled": false, "enable_noise_cancellation": false, "is_webhook_active": false,
		"webhook_url": nil, "secondary_language_ids": []any{}, "tool_ids": []any{}, "knowledgebase_id": nil,
	}
}

// famulorItem is the assistant as Famulor's list shows it.
func famulorItem(h *harness, key string, id int64) map[string]any {
	h.t.Helper()
	page := h.must(http.StatusOK, "GET", "/api/user/assistants/get?per_page=100", key, nil)
	for _, it := range page["data"].([]any) {
		if m := it.(map[string]any); m["id"] == float64(id) {
			return m
		}
	}
	h.t.Fatalf("assistant %d not in the Famulor list %v", id, page)
	return nil
}

// famulorErrors are the fields a Laravel 422 names.
func famulorErrors(h *harness, status int, body map[string]any) []string {
	h.t.Helper()
	if status != http.StatusUnprocessableEntity || body["message"] == nil {
		h.t.Fatalf("want a Laravel 422, got %d %v", status, body)
	}
	var out []string
	for k := range body["errors"].(map[string]any) {
		out = append(out, k)
	}
	return out
}

func TestFamulorCreateReadsBackExactly(t *testing.T) {
	h := newHarness(t)
	body := famulorCreate()
	created := h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, body)
	if created["message"] != "Assistant created successfully" {
		t.Fatalf("create: %v", created)
	}
	data := created["data"].(map[string]any)
	id := int64(data["id"].(float64))
	if data["name"] != "Famulor Sales" || data["status"] != "active" || data["type"] != "outbound" || data["mode"] != "pipeline" {
		t.Fatalf("create data: %v", data)
	}

	item := famulorItem(h, h.keyA, id)
	for k, want := range body {
		got := item[k]
		switch k {
		case "tools":
			want = []any{
				map[string]any{"type": "end_call", "data": map[string]any{"description": "When the caller says goodbye"}},
				map[string]any{"type": "call_transfer", "data": map[string]any{"phone_number": "+4930123456", "description": "To sales", "warm_transfer": true}},
				map[string]any{"type": "collect_keypad", "data": map[string]any{"timeout": 8, "stop_key": "*"}},
			}
		case "webhook_url", "knowledgebase_id":
		}
		if fmt.Sprint(normalize(got)) != fmt.Sprint(normalize(want)) {
			t.Errorf("%s reads back %v, want %v", k, got, want)
		}
	}
	if item["uuid"] == "" || item["language"] != "de" {
		t.Errorf("list extras: uuid %v language %v", item["uuid"], item["language"])
	}

	// the same assistant through Burki's API: the settings calls use
	b := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)
	for path, want := range map[string]any{
		"llm_settings.welcome_message":                                    "Hallo!",
		"llm_settings.temperature":                                        0.3,
		"llm_provider":                                                    "openai",
		"llm_provider_config.model":                                       "gpt-4o",
		"tts_settings.voice_id":                                           "bella",
		"tts_settings.speed":                                              1.1,
		"stt_settings.language":                                           "de-DE",
		"stt_settings.utterance_timeout_seconds":                          1.75,
		"stt_settings.incomplete_utterance_detection":                     true,
		"interruption_settings.min_speaking_time":                         0.7,
		"interruption_settings.interruption_threshold":                    3,
		"interruption_settings.allow_interruptions":                       false,
		"max_call_length":                                                 900,
		"idle_timeout":                                                    20,
		"silence_settings.interval_seconds":                               12,
		"call_flow_settings.direction":                                    "outbound",
		"call_flow_settings.timezone":                                     "Europe/Berlin",
		"voicemail_settings.detection":                                    "outbound",
		"tts_settings.background_sound.storage_key":                       "forest",
		"tools_settings.transfer_call.transfer_type":                      "warm",
		"analysis_settings.structured_data.schema.properties.budget.type": "number",
		"variables.company":                                               "Acme",
	} {
		if got := get(b, splitPath(path)...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Burki %s = %v, want %v", path, got, want)
		}
	}
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// normalize makes JSON numbers and Go numbers compare alike.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}

func TestFamulorUpdateChangesOnlyWhatIsSent(t *testing.T) {
	h := newHarness(t)
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, famulorCreate())["data"].(map[string]any)["id"].(float64))
	before := famulorItem(h, h.keyA, id)

	out := h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/user/assistant/%d", id), h.keyA, map[string]any{
		"initial_message": nil, "voice_mail_message": nil, "tools": []any{}, "max_duration": 300,
		"variables": map[string]any{"region": "Nord"}, "post_call_schema": []any{}, "status": "inactive",
	})
	if out["message"] != "Assistant updated successfully" {
		t.Fatalf("update: %v", out)
	}
	after := famulorItem(h, h.keyA, id)
	changed := map[string]any{"initial_message": nil, "voice_mail_message": nil, "tools": []any{}, "max_duration": 300.0,
		"variables": map[string]any{"region": "Nord"}, "post_call_schema": []any{}, "status": "inactive"}
	for k, v := range after {
		want, isChanged := changed[k]
		if !isChanged {
			want = before[k]
		}
		if k == "updated_at" {
			continue
		}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("%s: %v, want %v", k, v, want)
		}
	}
	// the write is in the settings history like any other
	hist := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d/settings-history", id), h.keyA, nil)
	if hist["total"] != 1.0 {
		t.Fatalf("history: %v", hist)
	}
}

func TestFamulorRefusesBadAndUnsupportedValues(t *testing.T) {
	h := newHarness(t)
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, famulorCreate())["data"].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("/api/user/assistant/%d", id)
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"max_duration": 10}, "max_duration"},
		{map[string]any{"max_duration": 1201}, "max_duration"},
		{map[string]any{"speech_speed": 1.5}, "speech_speed"},
		{map[string]any{"llm_temperature": 1.2}, "llm_temperature"},
		{map[string]any{"endpoint_sensitivity": 5.5}, "endpoint_sensitivity"},
		{map[string]any{"interrupt_sensitivity": -1}, "interrupt_sensitivity"},
		{map[string]any{"min_interrupt_words": 11}, "min_interrupt_words"},
		{map[string]any{"ambient_sound": "rain"}, "ambient_sound"},
		{map[string]any{"reengagement_interval": 5}, "reengagement_interval"},
		{map[string]any{"initial_message": string(make([]byte, 201))}, "initial_message"},
		{map[string]any{"post_call_schema": []any{map[string]any{"name": "Budget!", "type": "number", "description": "x y z"}}}, "post_call_schema.0.name"},
		{map[string]any{"post_call_schema": []any{map[string]any{"name": "budget", "type": "date", "description": "the date"}}}, "post_call_schema.0.type"},
		{map[string]any{"tools": []any{map[string]any{"type": "call_transfer", "phone_number": "0301234"}}}, "tools.0.phone_number"},
		{map[string]any{"tools": []any{map[string]any{"type": "calendar_integration"}}}, "tools.0.type"},
		{map[string]any{"mode": "multimodal"}, "mode"},
		{map[string]any{"multimodal_model_id": 1}, "multimodal_model_id"},
		{map[string]any{"tts_emotion_enabled": true}, "tts_emotion_enabled"},
		{map[string]any{"enable_noise_cancellation": true}, "enable_noise_cancellation"},
		{map[string]any{"is_webhook_active": true}, "webhook_url"}, // active needs a URL
		{map[string]any{"webhook_url": "ftp://hooks.test"}, "webhook_url"},
		{map[string]any{"send_webhook_only_on_completed": "yes"}, "send_webhook_only_on_completed"},
		{map[string]any{"secondary_language_ids": []any{3}}, "secondary_language_ids"},
		{map[string]any{"voice_id": 999}, "voice_id"},
		{map[string]any{"llm_model_id": 999}, "llm_model_id"},
		{map[string]any{"timezone": "Mars/Olympus"}, "timezone"},
		{map[string]any{"variables": map[string]any{"bad name": "x"}}, "variables"},
		{map[string]any{"colour": "red"}, "colour"},
		{map[string]any{"voice_id": nil}, "voice_id"},
		{map[string]any{"type": nil}, "type"},
		{map[string]any{"record": nil}, "record"},
	} {
		status, body := h.call("PUT", path, h.keyA, tc.body)
		fields := famulorErrors(h, status, body)
		if len(fields) != 1 || fields[0] != tc.field {
			t.Errorf("%v: errors on %v, want %s: %v", tc.body, fields, tc.field, body)
		}
	}
	// nothing was written
	b := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)
	if b["version"] != 1.0 {
		t.Fatalf("a refused write changed the assistant: version %v", b["version"])
	}
	// a create without the required fields names each
	status, body := h.call("POST", "/api/user/assistant", h.keyA, map[string]any{"name": "x"})
	if fields := famulorErrors(h, status, body); len(fields) != 8 {
		t.Fatalf("create without required fields: %v", fields)
	}
}

func TestFamulorAuthAndOrganizations(t *testing.T) {
	h := newHarness(t)
	status, body := h.call("GET", "/api/user/assistants/get", "", nil)
	if status != http.StatusUnauthorized || body["message"] != "Unauthenticated." {
		t.Fatalf("no key: %d %v", status, body)
	}
	status, body = h.call("POST", "/api/user/assistant", "sk-wrong", famulorCreate())
	if status != http.StatusUnauthorized || body["message"] != "Unauthenticated." {
		t.Fatalf("bad key: %d %v", status, body)
	}
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, famulorCreate())["data"].(map[string]any)["id"].(float64))
	for _, m := range []string{"PUT", "DELETE", "GET"} {
		status, body := h.call(m, fmt.Sprintf("/api/user/assistant/%d", id), h.keyB, map[string]any{"name": "stolen"})
		if status != http.StatusNotFound || body["message"] != "Assistant not found or does not belong to the authenticated user" {
			t.Fatalf("%s by another organization: %d %v", m, status, body)
		}
	}
	if page := h.must(http.StatusOK, "GET", "/api/user/assistants/get", h.keyB, nil); page["total"] != 0.0 {
		t.Fatalf("another organization lists %v", page)
	}
	status, body = h.call("GET", "/api/user/nothing-here", h.keyA, nil)
	if status != http.StatusNotFound || body["message"] == nil {
		t.Fatalf("unknown route: %d %v", status, body)
	}
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/user/assistant/%d", id), h.keyA, nil)
	h.must(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)
}

func TestFamulorListsAndCatalogs(t *testing.T) {
	h := newHarness(t)
	out := famulorCreate()
	h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, out)
	in := famulorCreate()
	in["type"], in["name"] = "inbound", "Inbound"
	h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, in)
	h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, map[string]any{"name": "Burki"})

	status, raw := h.raw("GET", "/api/user/assistants", h.keyA, nil)
	if status != http.StatusOK || raw[0] != '[' {
		t.Fatalf("all: %d %s", status, raw)
	}
	_, raw = h.raw("GET", "/api/user/assistants/outbound", h.keyA, nil)
	if n := countItems(t, raw); n != 1 {
		t.Fatalf("outbound lists %d assistants: %s", n, raw)
	}
	page := h.must(http.StatusOK, "GET", "/api/user/assistants/get?per_page=2&page=2", h.keyA, nil)
	if page["total"] != 3.0 || page["last_page"] != 2.0 || page["current_page"] != 2.0 || len(page["data"].([]any)) != 1 {
		t.Fatalf("page: %v", page)
	}
	// an assistant made through Burki's API reads through Famulor's list
	burki := page["data"].([]any)[0].(map[string]any)
	if burki["name"] != "Famulor Sales" {
		t.Fatalf("oldest first on the last page: %v", burki["name"])
	}
	for _, p := range []string{"languages", "voices?mode=pipeline&language_id=1", "models", "synthesizer-providers", "transcriber-providers"} {
		if _, raw := h.raw("GET", "/api/user/assistants/"+p, h.keyA, nil); countItems(t, raw) == 0 {
			t.Errorf("%s is empty", p)
		}
	}
	if _, raw := h.raw("GET", "/api/user/assistants/models?type=multimodal", h.keyA, nil); countItems(t, raw) != 0 {
		t.Errorf("multimodal models listed: %s", raw)
	}
}

func countItems(t *testing.T, raw []byte) int {
	t.Helper()
	var out []any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("not an array: %s", raw)
	}
	return len(out)
}

// phone_number_id assigns one of the organization's numbers: the number
// then reaches the assistant, as through the phone numbers API.
func TestFamulorAssignsPhoneNumbers(t *testing.T) {
	h := newHarness(t)
	number := func(key, e164 string) int64 {
		n := h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", key, map[string]any{"phone_number": e164, "provider": "twilio"})
		return int64(n["id"].(float64))
	}
	first, second, theirs := number(h.keyA, "+15550000001"), number(h.keyA, "+15550000002"), number(h.keyB, "+15550000003")
	body := famulorCreate()
	body["phone_number_id"] = first
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, body)["data"].(map[string]any)["id"].(float64))
	if got := famulorItem(h, h.keyA, id)["phone_number_id"]; got != float64(first) {
		t.Fatalf("phone_number_id %v, want %d", got, first)
	}
	path := fmt.Sprintf("/api/user/assistant/%d", id)
	h.must(http.StatusOK, "PUT", path, h.keyA, map[string]any{"phone_number_id": second})
	if got := h.must(http.StatusOK, "GET", path, h.keyA, nil)["data"].(map[string]any)["phone_number_id"]; got != float64(second) {
		t.Fatalf("after reassigning: %v", got)
	}
	if n := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/phone-numbers/%d", first), h.keyA, nil); n["assistant_id"] != nil {
		t.Fatalf("the first number is still assigned: %v", n)
	}
	if n := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/phone-numbers/%d", second), h.keyA, nil); n["assistant_id"] != float64(id) {
		t.Fatalf("the second number is not assigned: %v", n)
	}
	status, out := h.call("PUT", path, h.keyA, map[string]any{"phone_number_id": theirs, "name": "not written"})
	if fields := famulorErrors(h, status, out); len(fields) != 1 || fields[0] != "phone_number_id" {
		t.Fatalf("another organization's number: %v", out)
	}
	h.must(http.StatusOK, "PUT", path, h.keyA, map[string]any{"phone_number_id": nil})
	if got := famulorItem(h, h.keyA, id); got["phone_number_id"] != nil || got["name"] != "Famulor Sales" {
		t.Fatalf("after unassigning: %v %v", got["phone_number_id"], got["name"])
	}
}

// A create gets Famulor's documented defaults for what it leaves out.
func TestFamulorCreateDefaults(t *testing.T) {
	h := newHarness(t)
	body := map[string]any{"name": "Minimal", "voice_id": 1, "language_id": 1, "type": "inbound", "mode": "pipeline",
		"timezone": "UTC", "initial_message": "Hi", "system_prompt": "Help.", "llm_model_id": 1}
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, body)["data"].(map[string]any)["id"].(float64))
	item := famulorItem(h, h.keyA, id)
	for k, want := range map[string]any{"record": false, "llm_temperature": 0.1, "voice_stability": 0.7, "voice_similarity": 0.5,
		"speech_speed": 1.0, "allow_interruptions": true, "fillers": false, "wait_for_customer": false, "max_duration": 600.0,
		"max_silence_duration": 40.0, "ringing_time": 30.0, "reengagement_interval": 30.0, "end_call_on_voicemail": true,
		"endpoint_type": "vad", "endpoint_sensitivity": 0.5, "interrupt_sensitivity": 0.5, "ambient_sound": "off",
		"ambient_sound_volume": 0.5, "tts_emotion_enabled": false, "enable_noise_cancellation": false, "min_interrupt_words": nil,
		"phone_number_id": nil, "tools": []any{}} {
		if !reflect.DeepEqual(item[k], want) {
			t.Errorf("%s defaults to %v, want %v", k, item[k], want)
		}
	}
}

// The post-call webhook's settings read back as written, land in the
// configuration's webhook_settings, and the toggles turn it on and off.
func TestFamulorWebhookSettings(t *testing.T) {
	h := newHarness(t)
	body := famulorCreate()
	for k, v := range map[string]any{"is_webhook_active": true, "webhook_url": "https://hooks.test/famulor",
		"send_webhook_only_on_completed": false, "include_recording_in_webhook": false} {
		body[k] = v
	}
	id := int64(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, body)["data"].(map[string]any)["id"].(float64))
	item := famulorItem(h, h.keyA, id)
	for _, k := range []string{"is_webhook_active", "webhook_url", "send_webhook_only_on_completed", "include_recording_in_webhook"} {
		if item[k] != body[k] {
			t.Errorf("%s reads back %v, want %v", k, item[k], body[k])
		}
	}
	settings := func() string {
		return fmt.Sprint(get(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil), "webhook_settings"))
	}
	want := fmt.Sprint(map[string]any{"enabled": true, "events": nil, "format": "famulor", "include_recording": false, "reports": "all", "secret": nil})
	if got := settings(); got != want {
		t.Fatalf("webhook_settings %s, want %s", got, want)
	}
	toggle := map[string]any{"assistant_id": id}
	h.must(http.StatusOK, "POST", "/api/user/assistants/disable-webhook", h.keyA, toggle)
	if item = famulorItem(h, h.keyA, id); item["is_webhook_active"] != false || item["webhook_url"] != "https://hooks.test/famulor" {
		t.Fatalf("disabled: %v %v", item["is_webhook_active"], item["webhook_url"])
	}
	toggle["webhook_url"] = "https://hooks.test/other"
	h.must(http.StatusOK, "POST", "/api/user/assistants/enable-webhook", h.keyA, toggle)
	if item = famulorItem(h, h.keyA, id); item["is_webhook_active"] != true || item["webhook_url"] != "https://hooks.test/other" {
		t.Fatalf("enabled: %v %v", item["is_webhook_active"], item["webhook_url"])
	}
	if status, _ := h.call("POST", "/api/user/assistants/enable-webhook", h.keyB, toggle); status != http.StatusNotFound {
		t.Fatalf("another organization's assistant: %d", status)
	}
	if status, b := h.call("POST", "/api/user/assistants/enable-webhook", h.keyA, map[string]any{"assistant_id": id}); status != http.StatusUnprocessableEntity ||
		get(b, "errors", "webhook_url") == nil {
		t.Fatalf("enable without a URL: %d %v", status, b)
	}
}
