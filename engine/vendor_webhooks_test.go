package engine_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// vendorHook keeps the requests a vendor's webhook receiver gets.
type vendorHook struct {
	*httptest.Server
	mu  sync.Mutex
	got []vendorRequest
}

type vendorRequest struct {
	header http.Header
	body   []byte
}

func newVendorHook(t *testing.T) *vendorHook {
	h := &vendorHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, vendorRequest{header: r.Header.Clone(), body: body})
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *vendorHook) requests() []vendorRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]vendorRequest(nil), h.got...)
}

// apiJSON makes an API request with a JSON body and decodes the answer.
func apiJSON(t *testing.T, srv *enginetest.Server, method, path, key string, body any, want int) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	status, _, out := send(t, method, srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(string(b)))
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	if status != want {
		t.Fatalf("%s %s: %d %s", method, path, status, out)
	}
	return m
}

// famulorScript converses by echo and answers the analysis of a booking.
var famulorScript = openaifake.Script{
	Rules: []openaifake.Rule{
		{Contains: "Summarize this call", Reply: "Ada booked a table for four."},
		{Contains: "Extract the data", JSON: json.RawMessage(`{"guest":"Ada","party_size":4}`)},
	},
	Default: "You said: {user}",
}

// A Famulor client, end to end through Twilio's real protocol: it creates
// an outbound assistant with a post-call webhook and schema, places a call
// with make_call and its variables, and receives Famulor's post-call
// payload with the extracted variables.
func TestFamulorClientEndToEnd(t *testing.T) {
	srv, cloud := twilioEngineWith(t, withScript(t, famulorScript))
	_, key := srv.Key("Famulor user")
	hook := newVendorHook(t)
	created := apiJSON(t, srv, "POST", "/api/user/assistant", key, map[string]any{
		"name": "Chez Ada", "voice_id": 1, "language_id": 1, "type": "outbound", "mode": "pipeline", "timezone": "Europe/Berlin",
		"initial_message": "Hello {{customer_name}}, this is Chez Ada.", "system_prompt": "You take bookings.", "llm_model_id": 1,
		"end_call_on_voicemail": false, "is_webhook_active": true, "webhook_url": hook.URL, "send_webhook_only_on_completed": true,
		"post_call_evaluation": true, "post_call_schema": []any{
			map[string]any{"name": "guest", "type": "string", "description": "The guest's name"},
			map[string]any{"name": "party_size", "type": "number", "description": "How many guests"}},
	}, http.StatusCreated)
	id := int64(created["data"].(map[string]any)["id"].(float64))
	// the carrier account is Burki's setting: the same assistant, through /api/v1
	apiJSON(t, srv, "PATCH", fmt.Sprintf("/api/v1/assistants/%d", id), key, map[string]any{
		"twilio_config": map[string]any{"account_sid": cloud.AccountSID(), "auth_token": cloud.AuthToken()}}, http.StatusOK)
	apiJSON(t, srv, "POST", "/api/v1/phone-numbers", key, map[string]any{"phone_number": "+15550008888", "provider": "twilio",
		"assistant_id": id}, http.StatusCreated)

	placed := apiJSON(t, srv, "POST", "/api/user/make_call", key, map[string]any{"phone_number": "+15550009999",
		"assistant_id": id, "variables": map[string]any{"customer_name": "Ada"}}, http.StatusOK)
	c := <-cloud.Placed()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := c.Phone.WaitHeard(ctx, "Hello Ada, this is Chez Ada."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.Say("a table for four please my name is Ada")
	if err := c.Phone.WaitHeard(ctx, "You said: A table for four please my name is Ada."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()
	if placed["data"].(map[string]any)["call_sid"] != c.SID {
		t.Fatalf("make_call answered %v for %s", placed, c.SID)
	}

	testkit.Eventually(t, 30*time.Second, func() error {
		if n := len(hook.requests()); n != 1 {
			return fmt.Errorf("%d webhooks", n)
		}
		return nil
	})
	var p struct {
		ID                 int64
		CustomerPhone      string         `json:"customer_phone"`
		AssistantPhone     string         `json:"assistant_phone"`
		Duration           int64          `json:"duration"`
		Status             string         `json:"status"`
		ExtractedVariables map[string]any `json:"extracted_variables"`
		InputVariables     map[string]any `json:"input_variables"`
		Transcript         []struct{ Text, Type, Sender string }
		RecordingURL       *string `json:"recording_url"`
	}
	body := hook.requests()[0].body
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	call := apiJSON(t, srv, "GET", "/api/v1/calls/sid/"+c.SID, key, nil, http.StatusOK)
	ev := p.ExtractedVariables
	if p.ID != int64(call["id"].(float64)) || p.CustomerPhone != "+15550009999" || p.AssistantPhone != "+15550008888" ||
		p.Status != "completed" || ev["guest"] != "Ada" || ev["party_size"] != 4.0 || ev["summary"] != "Ada booked a table for four." ||
		ev["status"] == nil || fmt.Sprint(p.InputVariables) != "map[customer_name:Ada]" || p.RecordingURL != nil || len(p.Transcript) < 2 || p.Transcript[0].Sender != "bot" {
		t.Fatalf("Famulor payload %s", body)
	}
}

// A VoiceDock client, end to end: an assistant created through its view
// with a webhook secret gets VoiceDock's webhooks for a Twilio call,
// signed so that VoiceDock's SDK verifies them with that secret, the
// end-of-call report carrying the analysis_plan's structured data.
func TestVoiceDockClientEndToEnd(t *testing.T) {
	srv, cloud := twilioEngineWith(t, withScript(t, analysisScript))
	_, key := srv.Key("VoiceDock user")
	hook := newVendorHook(t)
	a := apiJSON(t, srv, "POST", "/voicedock/api/v1/assistants", key, map[string]any{
		"name": "Chez Ada", "first_message": "Welcome to Chez Ada.", "webhook_url": hook.URL, "webhook_secret": "whsec_vd",
		"analysis_plan": map[string]any{"min_messages_threshold": 2, "structured_data_plan": map[string]any{"enabled": true,
			"schema": json.RawMessage(bookingSchema)}},
		"llm_config": map[string]any{"provider": "openai", "model": "gpt-4o-mini",
			"messages": []any{map[string]any{"role": "system", "content": "You take restaurant bookings."}}},
	}, http.StatusCreated)["assistant"].(map[string]any)
	if a["webhook_secret"] != "********" {
		t.Fatalf("secret shown: %v", a["webhook_secret"])
	}
	var id int64
	for _, it := range apiJSON(t, srv, "GET", "/api/v1/assistants?search=Chez", key, nil, http.StatusOK)["items"].([]any) {
		id = int64(it.(map[string]any)["id"].(float64))
	}
	apiJSON(t, srv, "PATCH", fmt.Sprintf("/api/v1/assistants/%d", id), key, map[string]any{
		"twilio_config": map[string]any{"account_sid": cloud.AccountSID(), "auth_token": cloud.AuthToken()}}, http.StatusOK)
	c := bookTable(t, srv, cloud, key, id, nil)

	testkit.Eventually(t, 30*time.Second, func() error {
		for _, r := range hook.requests() {
			if r.header.Get("X-Webhook-Event") == "end-of-call-report" {
				return nil
			}
		}
		return fmt.Errorf("no report yet")
	})
	var report []byte
	for _, r := range hook.requests() {
		ts, sig := r.header.Get("X-Webhook-Timestamp"), r.header.Get("X-Webhook-Signature")
		mac := hmac.New(sha256.New, []byte("whsec_vd"))
		mac.Write([]byte(ts + "." + string(r.body)))
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sig != "sha256="+hex.EncodeToString(mac.Sum(nil)) || time.Since(time.Unix(sec, 0)) > 5*time.Minute {
			t.Fatalf("%s: signature %q at %q does not verify with the assistant's secret", r.header.Get("X-Webhook-Event"), sig, ts)
		}
		if r.header.Get("X-Webhook-Event") == "end-of-call-report" {
			report = r.body
		}
	}
	var m struct {
		Message struct {
			Call     struct{ ID, Type string }
			Summary  string
			Analysis struct {
				StructuredData json.RawMessage `json:"structured_data"`
			}
		}
	}
	if err := json.Unmarshal(report, &m); err != nil {
		t.Fatal(err)
	}
	if m.Message.Call.ID != c.SID || m.Message.Call.Type != "inbound_phone_call" || m.Message.Summary != "Ada booked a table for four." ||
		string(m.Message.Analysis.StructuredData) != `{"name":"Ada","party_size":4,"appointment_booked":true}` {
		t.Fatalf("VoiceDock report %s", report)
	}
}
