package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// keyPaths lists every object key path in a JSON value (arrays are
// descended through their first element).
func keyPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			keyPaths(e, p, out)
		}
	case []any:
		if len(x) > 0 {
			keyPaths(x[0], prefix+"[]", out)
		}
	}
}

// The response carries every field of Burki's assistant object.
func TestResponseHasEveryBurkiField(t *testing.T) {
	h := newHarness(t)
	data, err := os.ReadFile("testdata/burki_assistant_response.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed map[string]any
	if err := json.Unmarshal(data, &seed); err != nil {
		t.Fatal(err)
	}
	created := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, map[string]any{
		"name": "Complete",
		// give the free-form arrays one element so their shapes are compared too
		"stt_settings": map[string]any{"keywords": []any{map[string]any{"keyword": "Acme", "intensifier": 2}}},
		"llm_fallback_providers": map[string]any{"fallbacks": []any{map[string]any{
			"provider": "groq", "api_key": "gsk", "base_url": "https://api.groq.com/openai/v1", "model": "llama"}}},
	})
	want, got := map[string]bool{}, map[string]bool{}
	keyPaths(seed, "", want)
	keyPaths(created, "", got)
	var missing []string
	for p := range want {
		// custom_tools elements are free-form ({}) in the seed; ours are typed.
		if !got[p] && !strings.HasPrefix(p, "tools_settings.custom_tools[]") && !strings.HasPrefix(p, "stt_settings.soniox_config.context_") {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("response lacks seed fields: %v", missing)
	}
}

// The PUT request examples of seed 000, applied in sequence and read back.
func TestSeedRequestExamples(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Customer Support","description":"Handles inbound customer queries and provides support.","llm_settings":{"system_prompt":"You are a senior customer support specialist.","welcome_message":"Hello, how can I help today?"}}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	for _, body := range []string{
		`{"name":"Senior Customer Support Specialist","llm_settings":{"temperature":0.5,"top_p":0.9}}`,
		`{"transfer_call_message":"Let me brief a specialist and connect you.","tools_settings":{"transfer_call":{"enabled":true,"scenarios":["caller asks for a human","billing dispute requires account team"],"transfer_numbers":["+18005551212"],"transfer_type":"warm","agent_confirmation":true,"unavailable_message":"I could not reach an agent right now. I can take a message or schedule a callback."}}}`,
		`{"stt_settings":{"provider":"deepgram","model":"nova-3","language":"en-US","interim_results":true,"speculative_config":{"enable_speculative_llm":true,"speculative_stream_to_tts":false,"speculative_debounce_ms":300,"speculative_min_words":3,"speculative_similarity_threshold":0.85}}}`,
		`{"telnyx_config":{"api_key":"KEYxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","connection_id":"1234567890"},"twilio_config":{"account_sid":null,"auth_token":null}}`,
		`{"telnyx_config":{"api_key":"KEYxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","connection_id":"1234567890"}}`,
	} {
		h.must(http.StatusOK, "PUT", path, h.keyA, body)
	}
	got := h.must(http.StatusOK, "GET", path, h.keyA, nil)
	checks := map[string]any{
		"name":                       "Senior Customer Support Specialist",
		"description":                "Handles inbound customer queries and provides support.",
		"llm_settings.top_p":         0.9,
		"llm_settings.system_prompt": "You are a senior customer support specialist.",
		"transfer_call_message":      "Let me brief a specialist and connect you.",
		"tools_settings.transfer_call.transfer_type":                       "warm",
		"tools_settings.transfer_call.agent_confirmation":                  true,
		"stt_settings.model":                                               "nova-3",
		"stt_settings.punctuate":                                           true,
		"stt_settings.speculative_config.enable_speculative_llm":           true,
		"stt_settings.speculative_config.speculative_stream_to_tts":        false,
		"telnyx_config.api_key":                                            "********",
		"telnyx_config.connection_id":                                      "1234567890",
		"twilio_config.auth_token":                                         nil,
		"version":                                                          float64(5), // the last example repeats the one before it: a no-op
		"tools_settings.transfer_call.transfer_numbers":                    []any{"+18005551212"},
		"tools_settings.enabled_tools":                                     []any{"transfer_call"},
		"interruption_settings.interruption_threshold":                     float64(3),
		"recording_settings.disclosure_mode":                               "every_call",
		"tts_settings.background_sound.volume":                             0.3,
		"stt_settings.english_flux_config.eot_timeout_ms":                  float64(5005),
		"stt_settings.speculative_config.speculative_similarity_threshold": 0.85,
	}
	for p, want := range checks {
		v := get(got, strings.Split(p, ".")...)
		if fmt.Sprint(v) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", p, v, want)
		}
	}
	if strings.Contains(fmt.Sprint(got), "KEYxxx") {
		t.Error("secret returned in clear")
	}
}

func TestValidationErrorsWriteNothing(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"v"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	status, out := h.call("PATCH", path, h.keyA, `{"tts_limit":2000,"llm_settings":{"temperature":3},"interruption_settings":{"interruption_mode":"rude"},"mystery":1,"change_description":"`+strings.Repeat("x", 10)+`"}`)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %v", status, out)
	}
	var locs []string
	for _, d := range out["detail"].([]any) {
		e := d.(map[string]any)
		var parts []string
		for _, l := range e["loc"].([]any) {
			parts = append(parts, fmt.Sprint(l))
		}
		locs = append(locs, strings.Join(parts, "."))
		if e["msg"] == "" || e["type"] == "" {
			t.Errorf("error without msg/type: %v", e)
		}
	}
	for _, want := range []string{"body.tts_limit", "body.llm_settings.temperature", "body.interruption_settings.interruption_mode", "body.mystery"} {
		if !slices.Contains(locs, want) {
			t.Errorf("no error at %s: %v", want, locs)
		}
	}
	after := h.must(http.StatusOK, "GET", path, h.keyA, nil)
	if after["version"] != float64(1) || get(after, "llm_settings", "temperature") != 0.5 {
		t.Errorf("a rejected write changed the assistant: %v", after["version"])
	}
	hist := h.must(http.StatusOK, "GET", path+"/settings-history", h.keyA, nil)
	if hist["total"] != float64(0) {
		t.Errorf("a rejected write left history: %v", hist)
	}
	for _, bad := range []string{`not json`, `[1,2]`, `{"change_description":"` + strings.Repeat("x", 501) + `"}`} {
		if status, _ := h.call("PATCH", path, h.keyA, bad); status != http.StatusUnprocessableEntity {
			t.Errorf("PATCH %.30q: status %d, want 422", bad, status)
		}
	}
	if status, out := h.call("GET", "/api/v1/assistants/abc", h.keyA, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("non-numeric id: %d %v", status, out)
	}
	if status, _ := h.call("GET", "/api/v1/assistants?limit=0", h.keyA, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("limit=0: %d", status)
	}
}

func TestMaskRoundTripOverHTTP(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"m","llm_provider_config":{"api_key":"sk-live-1"},"api_keys":{"deepgram_api_key":"dg-1"}}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	if get(a, "llm_provider_config", "api_key") != "********" || get(a, "api_keys", "deepgram_api_key") != "********" {
		t.Fatalf("create response not masked: %v", a["llm_provider_config"])
	}
	// PUT back the whole GET response with one secret rotated.
	got := h.must(http.StatusOK, "GET", path, h.keyA, nil)
	got["api_keys"] = map[string]any{"deepgram_api_key": "********", "elevenlabs_api_key": "el-2"}
	h.must(http.StatusOK, "PUT", path, h.keyA, got)

	var raw string
	if err := h.pool.QueryRow(context.Background(), `SELECT config::text FROM assistants WHERE id = $1`, a["id"]).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"sk-live-1", "dg-1", "el-2"} {
		if strings.Contains(raw, s) {
			t.Errorf("%s stored in clear", s)
		}
	}
	hist := h.must(http.StatusOK, "GET", path+"/settings-history", h.keyA, nil)
	items := hist["items"].([]any)
	if len(items) != 1 || !slices.Equal(toStrings(get(items[0], "changed_fields")), []string{"api_keys.elevenlabs_api_key"}) {
		t.Fatalf("history after round trip: %v", hist)
	}
	if strings.Contains(fmt.Sprint(items[0]), "sk-live-1") || get(items[0], "settings_snapshot", "llm_provider_config", "api_key") != "********" {
		t.Error("history snapshot not masked")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func TestHistoryAndRollbackOverHTTP(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"r","llm_settings":{"temperature":0.2}}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	h.must(http.StatusOK, "PATCH", path, h.keyA, `{"llm_settings":{"temperature":0.9},"change_description":"hotter"}`)
	h.must(http.StatusOK, "PATCH", path, h.keyA, `{"name":"renamed"}`)

	hist := h.must(http.StatusOK, "GET", path+"/settings-history", h.keyA, nil)
	items := hist["items"].([]any)
	if hist["total"] != float64(2) || get(items[0], "version") != float64(2) || get(items[1], "change_description") != "hotter" {
		t.Fatalf("history: %v", hist)
	}
	first := items[1].(map[string]any)
	if get(first, "settings_snapshot", "llm_settings", "temperature") != 0.2 || get(first, "changed_by") == nil {
		t.Fatalf("entry holds the state before the change: %v", first)
	}
	one := h.must(http.StatusOK, "GET", fmt.Sprintf("%s/settings-history/%v", path, first["id"]), h.keyA, nil)
	if one["id"] != first["id"] {
		t.Fatalf("single entry: %v", one)
	}
	rb := h.must(http.StatusOK, "POST", fmt.Sprintf("%s/settings-history/%v/rollback", path, first["id"]), h.keyA, `{"change_description":"undo"}`)
	if rb["name"] != "r" || get(rb, "llm_settings", "temperature") != 0.2 || rb["version"] != float64(4) {
		t.Fatalf("rollback: %v", rb)
	}
	hist = h.must(http.StatusOK, "GET", path+"/settings-history?limit=1", h.keyA, nil)
	newest := hist["items"].([]any)[0]
	if hist["total"] != float64(3) || get(newest, "change_type") != "rollback" || get(newest, "change_description") != "undo" ||
		get(newest, "settings_snapshot", "name") != "renamed" {
		t.Fatalf("rollback not in history: %v", hist)
	}
	h.must(http.StatusNotFound, "POST", path+"/settings-history/999999/rollback", h.keyA, nil)
	h.must(http.StatusNotFound, "GET", path+"/settings-history/999999", h.keyA, nil)
}

func TestListFiltersAndStatus(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"Sales east", "Sales west", "Support", "100%_literal"} {
		h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, map[string]any{"name": n})
	}
	h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyB, `{"name":"Sales other org"}`)
	list := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=sales", h.keyA, nil)
	if list["total"] != float64(2) {
		t.Fatalf("search: %v", list["total"])
	}
	if l := h.must(http.StatusOK, "GET", "/api/v1/assistants?search=%25_", h.keyA, nil); l["total"] != float64(1) {
		t.Fatalf("LIKE metacharacters not literal: %v", l["total"])
	}
	first := list["items"].([]any)[0].(map[string]any)
	off := h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v/status", first["id"]), h.keyA, `{"is_active":false}`)
	if off["is_active"] != false {
		t.Fatalf("status: %v", off["is_active"])
	}
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v/status?is_active=true", first["id"]), h.keyA, nil)
	h.must(http.StatusUnprocessableEntity, "PATCH", fmt.Sprintf("/api/v1/assistants/%v/status", first["id"]), h.keyA, `{}`)
	h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/assistants/%v/status", first["id"]), h.keyA, `{"is_active":false}`)
	inactive := h.must(http.StatusOK, "GET", "/api/v1/assistants?is_active=false", h.keyA, nil)
	if inactive["total"] != float64(1) {
		t.Fatalf("is_active filter: %v", inactive["total"])
	}
	page := h.must(http.StatusOK, "GET", "/api/v1/assistants?skip=1&limit=2", h.keyA, nil)
	if page["total"] != float64(4) || len(page["items"].([]any)) != 2 || page["skip"] != float64(1) || page["limit"] != float64(2) {
		t.Fatalf("pagination: %v", page)
	}
	h.must(http.StatusNotFound, "GET", "/api/v1/assistants/by-phone/+15550001111", h.keyA, nil)
}

func TestDelete(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"d"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	h.must(http.StatusOK, "DELETE", path, h.keyA, nil)
	h.must(http.StatusNotFound, "GET", path, h.keyA, nil)
	h.must(http.StatusNotFound, "DELETE", path, h.keyA, nil)
	h.must(http.StatusNotFound, "PATCH", path, h.keyA, `{"name":"x"}`)
}

// 50 PATCHes in parallel over HTTP: 50 history entries, nothing lost.
func TestParallelPatchesOverHTTP(t *testing.T) {
	h := newHarness(t)
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"p"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if status, out := h.call("PATCH", path, h.keyA, fmt.Sprintf(`{"custom_settings":{"k%d":%d}}`, i, i)); status != http.StatusOK {
				t.Errorf("PATCH %d: %d %v", i, status, out)
			}
		})
	}
	wg.Wait()
	got := h.must(http.StatusOK, "GET", path, h.keyA, nil)
	if n := len(got["custom_settings"].(map[string]any)); n != 50 || got["version"] != float64(51) {
		t.Fatalf("%d keys at version %v, want 50 at 51", n, got["version"])
	}
	if hist := h.must(http.StatusOK, "GET", path+"/settings-history?limit=500", h.keyA, nil); hist["total"] != float64(50) {
		t.Fatalf("history total %v", hist["total"])
	}
}

func TestHealth(t *testing.T) {
	h := newHarness(t)
	h.must(http.StatusOK, "GET", "/healthz", "", nil)
	h.must(http.StatusOK, "GET", "/readyz", "", nil)
}
