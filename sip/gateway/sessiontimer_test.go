package gateway_test

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// A caller that took the refresher's part (RFC 4028) and never refreshes
// is gone: when the session expires the engine hangs up with a BYE and
// says why, the call ending as a caller who left (as when its RTP stops).
// The interval is short here, the floor being lowered for the test.
func TestSessionExpires(t *testing.T) {
	r := newRigWith(t, telephonytest.Welcome(telephonytest.Greeting), gateway.Config{MinSessionExpires: time.Second})
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{Headers: []sip.Header{sip.NewHeader("Session-Expires", "1;refresher=uac"), sip.NewHeader("Supported", "timer")}})
	if se := c.AnswerHeader("Session-Expires"); se != "1;refresher=uac" {
		t.Fatalf("Session-Expires %q", se)
	}
	r.EndedBy(l, events.EndCallerHungUp)
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 10*time.Second).Done():
		t.Fatal("no BYE")
	}
	if !c.HungUpByEngine() || len(r.Logs.Find("SIP session expired")) != 1 {
		t.Fatal("the engine did not hang up, or did not say why")
	}
}

// A shorter Session-Expires than the floor is raised to it.
func TestSessionExpiresFloor(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{Headers: []sip.Header{sip.NewHeader("Session-Expires", "30"), sip.NewHeader("Supported", "timer")}})
	if se := c.AnswerHeader("Session-Expires"); se != "90;refresher=uac" {
		t.Fatalf("Session-Expires %q", se)
	}
	r.CallerHangsUp(l)
}
