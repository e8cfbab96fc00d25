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

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// VoiceDock's tool-calls through the engine: a tool without a url, of an
// assistant whose webhook takes tool-calls, is run by the webhook; its
// signed request carries the call in VoiceDock's envelope, and its result
// for the tool call's id goes back to the model.
func TestVoiceDockToolCalls(t *testing.T) {
	script := openaifake.Script{Rules: []openaifake.Rule{{Contains: "book", AfterTool: "Booked: {result}",
		ToolCalls: []openaifake.ToolCall{{Name: "book_table", Arguments: json.RawMessage(`{"party_size":4}`)}}}}}
	srv, cloud := twilioEngineWith(t, withScript(t, script))
	_, key := srv.Key("VoiceDock user")
	var mu sync.Mutex
	var got []map[string]any
	var bad []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Webhook-Event") != "tool-calls" {
			return
		}
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("whsec_tc"))
		mac.Write([]byte(r.Header.Get("X-Webhook-Timestamp") + "." + string(body)))
		var m struct {
			Message map[string]any `json:"message"`
		}
		_ = json.Unmarshal(body, &m)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Webhook-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			bad = append(bad, "signature")
		}
		got = append(got, m.Message)
		list, _ := m.Message["tool_call_list"].([]any)
		if len(list) != 1 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		id := list[0].(map[string]any)["id"]
		_ = json.NewEncoder(w).Encode(map[string]any{"results": []any{
			map[string]any{"tool_call_id": "another", "result": "Not this one."},
			map[string]any{"tool_call_id": id, "result": "Table for 4 at 8 pm."}}})
	}))
	defer hook.Close()
	a := apiJSON(t, srv, "POST", "/voicedock/api/v1/assistants", key, map[string]any{
		"name": "Chez Ada", "first_message": "Welcome to Chez Ada.", "webhook_url": hook.URL, "webhook_secret": "whsec_tc",
		"webhook_events": []string{"tool-calls"},
		"llm_config": map[string]any{"provider": "openai", "model": "gpt-4o-mini",
			"messages": []any{map[string]any{"role": "system", "content": "You take restaurant bookings."}},
			"tools": []any{map[string]any{"name": "book_table", "description": "Books a table",
				"parameters": map[string]any{"type": "object", "properties": map[string]any{"party_size": map[string]any{"type": "integer"}}}}}},
	}, http.StatusCreated)["assistant"].(map[string]any)
	if tools := a["llm_config"].(map[string]any)["tools"].([]any); len(tools) != 1 || tools[0].(map[string]any)["url"] != nil {
		t.Fatalf("tools %v", tools)
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
	c, err := cloud.Dial(ctx, "+15550001111", "+15550007777")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Phone.WaitHeard(ctx, "Welcome to Chez Ada."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.Say("book a table for four")
	if err := c.Phone.WaitHeard(ctx, "Booked: Table for 4 at 8 pm."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || len(bad) > 0 {
		t.Fatalf("%d tool-calls, problems %v", len(got), bad)
	}
	m := got[0]
	fn := m["tool_call_list"].([]any)[0].(map[string]any)["function"].(map[string]any)
	call := m["call"].(map[string]any)
	if m["type"] != "tool-calls" || call["id"] != c.SID || call["type"] != "inbound_phone_call" || call["status"] != "in-progress" ||
		m["customer"].(map[string]any)["number"] != "+15550001111" || m["assistant"].(map[string]any)["id"] != a["id"] ||
		fn["name"] != "book_table" || fmt.Sprint(fn["arguments"]) != "map[party_size:4]" {
		t.Fatalf("tool-calls %v", m)
	}
}
