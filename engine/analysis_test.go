package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// bookingSchema is what the test assistant extracts, in VoiceDock's
// example shape.
const bookingSchema = `{"type":"object","properties":{
	"name":{"type":"string"},
	"party_size":{"type":"integer","minimum":1},
	"sentiment":{"type":"string","enum":["positive","neutral","negative"]},
	"appointment_booked":{"type":"boolean"}},
	"required":["name","party_size","appointment_booked"]}`

// analysisScript converses by echo and answers the analysis: a summary,
// and the booking the call gives (the evaluation is made up by the fake
// from its schema).
var analysisScript = openaifake.Script{
	Rules: []openaifake.Rule{
		{Contains: "Summarize this call", Reply: "Ada booked a table for four."},
		{Contains: "Extract the data", JSON: json.RawMessage(`{"name":"Ada","party_size":4,"appointment_booked":true}`)},
	},
	Default: "You said: {user}",
}

// bookTable gives assistantID the number +15550007777 and books a table
// on it from +15550001111, through Twilio's real protocol: the welcome
// ("Welcome to Chez Ada."), then during (if set), one turn, the hang-up.
func bookTable(t *testing.T, srv *enginetest.Server, cloud *twiliotest.Cloud, key string, assistantID int64, during func()) *twiliotest.Call {
	t.Helper()
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550007777","provider":"twilio","assistant_id":%d}`, assistantID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, err := cloud.Dial(ctx, "+15550001111", "+15550007777")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Phone.WaitHeard(ctx, "Welcome to Chez Ada."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	if during != nil {
		during()
	}
	c.Say("a table for four please my name is Ada")
	if err := c.Phone.WaitHeard(ctx, "You said: A table for four please my name is Ada."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()
	return c
}

type analysedReport struct {
	EndedReason  string `json:"endedReason"`
	RecordingURL string `json:"recordingUrl"`
	Summary      string `json:"summary"`
	Call         struct {
		ID string `json:"id"`
	} `json:"call"`
	Messages []struct{ Role, Content string } `json:"messages"`
	Analysis *struct {
		Status          string          `json:"status"`
		Summary         string          `json:"summary"`
		DurationSeconds float64         `json:"durationSeconds"`
		StructuredData  json.RawMessage `json:"structuredData"`
		Evaluation      *struct {
			Successful bool   `json:"successful"`
			Reason     string `json:"reason"`
		} `json:"evaluation"`
		Errors map[string]string `json:"errors"`
	} `json:"analysis"`
}

// A completed call through Twilio's real protocol, end to end: its
// end-of-call webhook waits for the recording and the analysis, and
// carries the summary and data that validate against the assistant's
// schema, as Burki's report does; the API serves the same analysis. A
// call with fewer messages than min_messages is not analysed, and its
// report does not wait.
func TestCompletedCallReportCarriesItsAnalysis(t *testing.T) {
	srv, cloud := twilioEngineWith(t, withScript(t, analysisScript))
	org, key := srv.Key("Analysed")
	hook := newHooks(t)
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Booker","webhook_url":%q,
		"llm_settings":{"welcome_message":"Welcome to Chez Ada.","system_prompt":"You take restaurant bookings."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},
		"recording_settings":{"format":"wav"},
		"analysis_settings":{"min_messages":3,"evaluation":{"enabled":true},
			"structured_data":{"enabled":true,"schema":%s,
				"messages":[{"role":"system","content":"Analyze the following call transcript according to this schema: {{schema}}"}]}}}`,
		hook.URL, cloud.AccountSID(), cloud.AuthToken(), bookingSchema))
	c := bookTable(t, srv, cloud, key, snap.ID, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	var report analysedReport
	testkit.Eventually(t, 30*time.Second, func() error {
		body := hook.last("end-of-call-report")
		if body == nil {
			return fmt.Errorf("no end-of-call report yet")
		}
		return json.Unmarshal(body, &report)
	})
	a := report.Analysis
	if report.Call.ID != c.SID || report.Summary != "Ada booked a table for four." || a == nil || a.Status != "completed" ||
		a.Summary != report.Summary || a.DurationSeconds <= 0 || len(a.Errors) != 0 || a.Evaluation == nil || !a.Evaluation.Successful ||
		!strings.HasPrefix(report.RecordingURL, srv.URL+"/recordings/") {
		t.Fatalf("end-of-call report %s", hook.last("end-of-call-report"))
	}
	var schema map[string]any
	if err := json.Unmarshal([]byte(bookingSchema), &schema); err != nil {
		t.Fatal(err)
	}
	check, err := schemacheck.Compile(schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := check.Validate(a.StructuredData); err != nil || string(a.StructuredData) != `{"name":"Ada","party_size":4,"appointment_booked":true}` {
		t.Fatalf("structured data %s: %v", a.StructuredData, err)
	}

	var call struct {
		ID       int64
		Analysis struct{ Status string }
	}
	getJSON(t, srv.URL+"/api/v1/calls/sid/"+c.SID, key, &call)
	var stored struct {
		Status         string          `json:"status"`
		Summary        string          `json:"summary"`
		StructuredData json.RawMessage `json:"structured_data"`
		Provider       string          `json:"provider"`
		Model          string          `json:"model"`
		PromptTokens   int             `json:"prompt_tokens"`
		Attempts       int             `json:"attempts"`
	}
	getJSON(t, fmt.Sprintf("%s/api/v1/calls/%d/analysis", srv.URL, call.ID), key, &stored)
	if call.Analysis.Status != "completed" || stored.Status != "completed" || stored.Summary != report.Summary ||
		check.Validate(stored.StructuredData) != nil || stored.Provider != "openai" || stored.Model != "gpt-4o-mini" ||
		stored.PromptTokens == 0 || stored.Attempts != 1 {
		t.Fatalf("GET analysis %+v (call %+v)", stored, call)
	}

	// the welcome, then a hang-up: under min_messages
	short, err := cloud.Dial(ctx, "+15550001112", "+15550007777")
	if err != nil {
		t.Fatal(err)
	}
	if err := short.Phone.WaitHeard(ctx, "Welcome to Chez Ada."); err != nil {
		t.Fatalf("heard %q: %v", short.Phone.Transcript(), err)
	}
	short.HangUp()
	testkit.Eventually(t, 30*time.Second, func() error {
		var r analysedReport
		if err := json.Unmarshal(hook.last("end-of-call-report"), &r); err != nil || r.Call.ID != short.SID {
			return fmt.Errorf("no report of the short call yet")
		}
		if r.Analysis != nil || r.Summary != "" {
			t.Fatalf("a call under min_messages was analysed: %s", hook.last("end-of-call-report"))
		}
		return nil
	})
	getJSON(t, srv.URL+"/api/v1/calls/sid/"+short.SID, key, &call)
	if status, _, _ := send(t, "GET", fmt.Sprintf("%s/api/v1/calls/%d/analysis", srv.URL, call.ID), key, nil, nil); status != http.StatusNotFound {
		t.Fatalf("the short call's analysis: %d", status)
	}
}
