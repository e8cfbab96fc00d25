package vonage_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
)

// A replayed answer webhook (signed, for a live call) starts no second
// call: the answer is an empty NCCO, which ends it, with no stream.
func TestReplayedAnswerStartsNoCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	body, _ := json.Marshal(map[string]string{"uuid": c.UUID, "conversation_uuid": "CON-1", "from": telephonytest.CallerNumber,
		"to": telephonytest.Number})
	status, got, err := r.cloud.PostJSON(telephonytest.Ctx(t, 10*time.Second), telephonytest.PublicURL+vonage.PathAnswer, body,
		r.cloud.SignatureSecret())
	var actions []map[string]any
	if err != nil || status != http.StatusOK || json.Unmarshal(got, &actions) != nil || len(actions) != 0 {
		t.Fatalf("replayed answer: %d %s %v", status, got, err)
	}
	if n := r.Events.Started(); n != 1 {
		t.Fatalf("%d calls started", n)
	}
	r.HangUp(l)
}
