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
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// assistantHook answers VoiceDock's assistant-request with the answer
// set for the next call, checking each request's envelope and signature.
type assistantHook struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	answer string
	got    []map[string]any
	bad    []string
}

func newAssistantHook(t *testing.T, secret string) *assistantHook {
	h := &assistantHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.Header.Get("X-Webhook-Event") != "assistant-request" {
			return // the asynchronous webhooks
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(r.Header.Get("X-Webhook-Timestamp") + "." + string(body)))
		if r.Header.Get("X-Webhook-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			h.bad = append(h.bad, "signature "+r.Header.Get("X-Webhook-Signature"))
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			h.bad = append(h.bad, "body "+string(body))
		}
		h.got = append(h.got, m)
		w.WriteHeader(h.status)
		_, _ = io.WriteString(w, h.answer)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *assistantHook) set(status int, answer string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.answer = status, answer
}

// VoiceDock's assistant-request through the engine: a Twilio call to an
// assistant that lists it waits for the webhook, whose answer overrides
// the assistant for that call, rejects the call with words to say, or,
// when it fails or is invalid, leaves the assistant as configured.
func TestVoiceDockAssistantRequest(t *testing.T) {
	srv, cloud := twilioEngineWith(t, withScript(t, analysisScript))
	_, key := srv.Key("VoiceDock user")
	hook := newAssistantHook(t, "whsec_ar")
	a := apiJSON(t, srv, "POST", "/voicedock/api/v1/assistants", key, map[string]any{
		"name": "Chez Ada", "first_message": "Welcome to Chez Ada.", "webhook_url": hook.URL, "webhook_secret": "whsec_ar",
		"webhook_events": []string{"assistant-request", "end-of-call-report"},
		"llm_config": map[string]any{"provider": "openai", "model": "gpt-4o-mini",
			"messages": []any{map[string]any{"role": "system", "content": "You take restaurant bookings."}}},
	}, http.StatusCreated)["assistant"].(map[string]any)
	if fmt.Sprint(a["webhook_events"]) != "[assistant-request end-of-call-report]" || a["webhook_secret"] != "********" {
		t.Fatalf("created %v", a)
	}
	var id int64
	for _, it := range apiJSON(t, srv, "GET", "/api/v1/assistants?search=Chez", key, nil, http.StatusOK)["items"].([]any) {
		id = int64(it.(map[string]any)["id"].(float64))
	}
	apiJSON(t, srv, "PATCH", fmt.Sprintf("/api/v1/assistants/%d", id), key, map[string]any{
		"twilio_config": map[string]any{"account_sid": cloud.AccountSID(), "auth_token": cloud.AuthToken()}}, http.StatusOK)
	apiJSON(t, srv, "POST", "/api/v1/phone-numbers", key, map[string]any{"phone_number": "+15550007777", "provider": "twilio",
		"assistant_id": id}, http.StatusCreated)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	hears := func(answer int, body, want string) {
		t.Helper()
		hook.set(answer, body)
		c, err := cloud.Dial(ctx, "+15550001111", "+15550007777")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Phone.WaitHeard(ctx, want); err != nil {
			t.Fatalf("answer %d %s: heard %q: %v", answer, body, c.Phone.Transcript(), err)
		}
		if body == `{"error":"We are closed today."}` {
			testkit.Eventually(t, 30*time.Second, func() error {
				if s := c.Status(); s != "completed" {
					return fmt.Errorf("status %s", s)
				}
				return nil
			})
			call := apiJSON(t, srv, "GET", "/api/v1/calls/sid/"+c.SID, key, nil, http.StatusOK)
			testkit.Eventually(t, 30*time.Second, func() error {
				call = apiJSON(t, srv, "GET", "/api/v1/calls/sid/"+c.SID, key, nil, http.StatusOK)
				if call["ended_reason"] != "assistant-request-rejected" {
					return fmt.Errorf("ended %v", call["ended_reason"])
				}
				return nil
			})
			if got := c.Phone.Transcript(); got != want {
				t.Fatalf("rejected call heard %q", got)
			}
			return
		}
		c.HangUp()
	}
	hears(http.StatusOK, `{"assistant":{"first_message":"Hello from the webhook."}}`, "Hello from the webhook.")
	hears(http.StatusOK, `{"error":"We are closed today."}`, "We are closed today.")
	hears(http.StatusOK, `{"assistant":{"max_duration_seconds":-5}}`, "Welcome to Chez Ada.")                    // invalid: refused
	hears(http.StatusInternalServerError, `{"assistant":{"first_message":"Not this."}}`, "Welcome to Chez Ada.") // failed
	hears(http.StatusOK, `{}`, "Welcome to Chez Ada.")

	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.bad) > 0 || len(hook.got) != 5 {
		t.Fatalf("%d requests, problems %v", len(hook.got), hook.bad)
	}
	m := hook.got[0]["message"].(map[string]any)
	call := m["call"].(map[string]any)
	if m["type"] != "assistant-request" || call["type"] != "inbound_phone_call" || call["status"] != "ringing" ||
		m["customer"].(map[string]any)["number"] != "+15550001111" || m["phone_number"].(map[string]any)["number"] != "+15550007777" ||
		m["assistant"].(map[string]any)["id"] != a["id"] {
		t.Fatalf("assistant-request %v", hook.got[0])
	}
	// the override was for that call only
	if got := apiJSON(t, srv, "GET", "/voicedock/api/v1/assistants/"+a["id"].(string), key, nil, http.StatusOK)["assistant"].(map[string]any); got["first_message"] != "Welcome to Chez Ada." {
		t.Fatalf("stored first_message %v", got["first_message"])
	}
}
