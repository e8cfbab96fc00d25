package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/persistence"
)

// A replayed Twilio voice webhook (signed, for a call that exists) starts
// no second call: the answer hangs up and carries no stream ticket.
func TestReplayedTwilioVoiceWebhookStartsNoCall(t *testing.T) {
	srv, cloud := twilioEngine(t)
	org, key := srv.Key("Replays")
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Replayed","twilio_config":{"account_sid":%q,"auth_token":%q}}`,
		cloud.AccountSID(), cloud.AuthToken()))
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550007777","provider":"twilio","assistant_id":%d}`, snap.ID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}
	ctx := t.Context()
	at := time.Now().Add(-time.Minute)
	if err := srv.Store.WriteRecords(ctx, []persistence.Record{
		{Kind: persistence.RecordStarted, CallSID: "CA-done", Seq: 1, At: at, Call: &persistence.CallInfo{OrganizationID: org,
			AssistantID: snap.ID, From: "+15550001111", To: "+15550007777", Direction: "inbound", Carrier: "twilio"}},
		{Kind: persistence.RecordEnded, CallSID: "CA-done", Seq: 2, At: at.Add(30 * time.Second),
			End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 30000}}}); err != nil {
		t.Fatal(err)
	}
	answer := func(sid string) string {
		t.Helper()
		form := url.Values{"AccountSid": {cloud.AccountSID()}, "CallSid": {sid}, "From": {"+15550001111"}, "To": {"+15550007777"},
			"Direction": {"inbound"}, "CallStatus": {"ringing"}}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		status, body, err := cloud.Post(cctx, twilio.PathVoice, form, cloud.AuthToken())
		if err != nil || status != http.StatusOK {
			t.Fatalf("voice webhook for %s: %d %s %v", sid, status, body, err)
		}
		return string(body)
	}
	if got := answer("CA-done"); !strings.Contains(got, "<Hangup") || strings.Contains(got, "<Stream") {
		t.Fatalf("replayed webhook answered %s", got)
	}
	if got := answer("CA-new"); !strings.Contains(got, "<Stream") {
		t.Fatalf("a new call answered %s", got)
	}
	c, err := srv.Store.GetCallBySID(ctx, org, "CA-done")
	if err != nil || c.EndedReason == nil || *c.EndedReason != events.EndCallerHungUp {
		t.Fatalf("the finished call after the replay: %+v %v", c, err)
	}
}
