package plivo_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/plivo"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

// A replayed answer webhook (signed, for a live call) starts no second
// call: the answer hangs up and carries no stream.
func TestReplayedAnswerStartsNoCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	form := url.Values{"CallUUID": {c.UUID}, "From": {telephonytest.CallerNumber}, "To": {telephonytest.Number},
		"CallStatus": {"in-progress"}, "Direction": {"inbound"}, "Event": {"StartApp"}}
	status, body, err := r.cloud.Post(telephonytest.Ctx(t, 10*time.Second), telephonytest.PublicURL+plivo.PathAnswer, form, r.cloud.AuthToken())
	if err != nil || status != http.StatusOK || !strings.Contains(string(body), "<Hangup") || strings.Contains(string(body), "<Stream") {
		t.Fatalf("replayed answer: %d %s %v", status, body, err)
	}
	if n := r.Events.Started(); n != 1 {
		t.Fatalf("%d calls started", n)
	}
	r.HangUp(l)
}
