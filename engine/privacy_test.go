package engine_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// GDPR mode end to end, through Twilio's real protocol: the caller's
// number is masked in the call record and in every webhook; the analysis
// and the end-of-call report still get the conversation; then what was
// said is deleted, while the call, its timings and its summary stay.
func TestGDPRModeKeepsNothingSaid(t *testing.T) {
	srv, cloud := twilioEngineWith(t, withScript(t, analysisScript))
	org, key := srv.Key("Private")
	hook := newHooks(t)
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Discreet","webhook_url":%q,
		"llm_settings":{"welcome_message":"Welcome to Chez Ada.","system_prompt":"You take restaurant bookings."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},
		"privacy_settings":{"gdpr_mode":true}}`, hook.URL, cloud.AccountSID(), cloud.AuthToken()))
	c := bookTable(t, srv, cloud, key, snap.ID, func() {
		_, _, live := send(t, "GET", srv.URL+"/api/v1/calls/live", key, nil, nil)
		if strings.Contains(string(live), "5550001111") || !strings.Contains(string(live), "*********111") {
			t.Errorf("live calls do not mask the caller: %s", live)
		}
	})

	var report analysedReport
	testkit.Eventually(t, 30*time.Second, func() error {
		body := hook.last("end-of-call-report")
		if body == nil {
			return fmt.Errorf("no end-of-call report yet")
		}
		return json.Unmarshal(body, &report)
	})
	if report.Summary != "Ada booked a table for four." || len(report.Messages) < 2 {
		t.Fatalf("the report lacks the conversation: %s", hook.last("end-of-call-report"))
	}
	for _, typ := range []string{"status-update", "end-of-call-report"} {
		if b := hook.last(typ); strings.Contains(string(b), "5550001111") || !strings.Contains(string(b), "*********111") {
			t.Errorf("%s webhook does not mask the caller: %s", typ, b)
		}
	}

	var call struct {
		ID                  int64  `json:"id"`
		CustomerPhoneNumber string `json:"customer_phone_number"`
		EndedReason         string `json:"ended_reason"`
	}
	getJSON(t, srv.URL+"/api/v1/calls/sid/"+c.SID, key, &call)
	if call.CustomerPhoneNumber != "*********111" || call.EndedReason == "" {
		t.Fatalf("call record %+v", call)
	}
	base := fmt.Sprintf("%s/api/v1/calls/%d", srv.URL, call.ID)
	testkit.Eventually(t, 30*time.Second, func() error {
		var transcripts, messages []json.RawMessage
		getJSON(t, base+"/transcripts", key, &transcripts)
		getJSON(t, base+"/messages", key, &messages)
		if len(transcripts)+len(messages) != 0 {
			return fmt.Errorf("%d transcripts and %d messages still kept", len(transcripts), len(messages))
		}
		return nil
	})
	_, _, events := send(t, "GET", base+"/events", key, nil, nil)
	if strings.Contains(strings.ToLower(string(events)), "table for four") {
		t.Fatalf("events keep what was said: %s", events)
	}
	var analysis struct{ Summary string }
	getJSON(t, base+"/analysis", key, &analysis)
	if analysis.Summary != report.Summary {
		t.Fatalf("the summary went too: %+v", analysis)
	}
}
