package telnyx_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

// A replayed call.initiated (signed, for a live call) starts no second
// call: the call is not answered again.
func TestReplayedCallInitiatedStartsNoCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	answers := func() int {
		n := 0
		for _, q := range r.cloud.Requests() {
			if strings.Contains(q.Path, c.ID) && strings.HasSuffix(q.Path, "/actions/answer") {
				n++
			}
		}
		return n
	}
	if n := answers(); n != 1 {
		t.Fatalf("%d answer commands before the replay", n)
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"event_type": "call.initiated", "id": "ev-replayed",
		"payload": map[string]any{"call_control_id": c.ID, "direction": "incoming", "from": telephonytest.CallerNumber,
			"to": telephonytest.Number, "state": "parked"}}})
	if status, got, err := r.cloud.Post(telephonytest.Ctx(t, 10*time.Second), body, r.cloud.SigningKey()); err != nil || status != http.StatusOK {
		t.Fatalf("replayed call.initiated: %d %s %v", status, got, err)
	}
	if n := answers(); n != 1 || r.Events.Started() != 1 {
		t.Fatalf("after the replay: %d answer commands, %d calls started", n, r.Events.Started())
	}
	r.HangUp(l)
}
