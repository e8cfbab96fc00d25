package gateway_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// transferRig is a trunk's number whose assistant transfers the caller
// who asks for a person (ToolScript), the transfer of kind ("cold",
// "warm"); a REFER's outcome is waited for an hour, so a call that ends
// sooner did not wait for it.
func transferRig(t *testing.T, kind string) *rig {
	t.Helper()
	r := newRigWith(t, func(c *assistant.Config) {
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: kind, TransferNumbers: []string{telephonytest.AgentNumber}}
		c.BypassNumbers = []string{"+15550009999"}
	}, gateway.Config{TransferWait: time.Hour})
	r.trunk(t, "", "", "127.0.0.1/32")
	r.LLM.Reply = telephonytest.ToolScript
	return r
}

// askForAPerson has the caller ask for a transfer and waits for the
// engine to end the call.
func askForAPerson(t *testing.T, r *rig, c *siptest.Caller, l telephonytest.Call) events.CallEnded {
	t.Helper()
	c.Say("a person please")
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 20*time.Second).Done():
		t.Fatalf("the call did not end; heard %q", c.Phone.Transcript())
	}
	if !c.HungUpByEngine() {
		t.Fatal("the engine did not send BYE")
	}
	return r.WaitEnded(l.ID)
}

// A transfer is a REFER to the agent at the trunk, referred by the
// number the trunk dialled; the trunk's NOTIFY that the agent answered
// ends the engine's leg with a BYE. A warm transfer is made cold, with a
// warning, as on Telnyx.
func TestTransferByRefer(t *testing.T) {
	r := transferRig(t, "warm")
	c, l := r.call(t, siptest.Config{})
	end := askForAPerson(t, r, c, l)
	refers, by := c.Refers(), c.ReferredBy()
	if end.Reason != events.EndTransferred || len(refers) != 1 || !strings.HasPrefix(refers[0], "<sip:"+telephonytest.AgentNumber+"@127.0.0.1:") ||
		len(by) != 1 || !strings.HasPrefix(by[0], "<sip:"+telephonytest.Number+"@") {
		t.Fatalf("ended %+v; Refer-To %q, Referred-By %q", end, refers, by)
	}
	if len(r.Logs.Find("warm transfers are not supported on SIP trunks")) != 1 {
		t.Fatal("the warm transfer made cold was not logged")
	}
}

// A trunk that takes no REFER (405, 501, 403) and has no outbound
// address for a second leg (bridge_test.go), or whose transfer target
// does not answer (the NOTIFY's sipfrag 486, 480): the caller is hung up
// on at once, with the refusal logged, as on a carrier whose transfer API
// failed, and the call ended as a failed transfer.
func TestTransferRefusedOrFailed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer siptest.ReferAnswer
		log    []string
	}{
		{"REFER not allowed", siptest.ReferAnswer{Code: 405}, []string{"SIP transfer refused by the trunk", "code=405"}},
		{"REFER not implemented", siptest.ReferAnswer{Code: 501}, []string{"SIP transfer refused by the trunk", "code=501"}},
		{"REFER forbidden", siptest.ReferAnswer{Code: 403}, []string{"SIP transfer refused by the trunk", "code=403"}},
		{"target busy", siptest.ReferAnswer{Outcome: 486}, []string{"SIP transfer failed", "code=486"}},
		{"target unavailable", siptest.ReferAnswer{Outcome: 480}, []string{"SIP transfer failed", "code=480"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := transferRig(t, "cold")
			c, l := r.call(t, siptest.Config{Refer: tc.answer})
			end := askForAPerson(t, r, c, l)
			if len(c.Refers()) != 1 || end.Reason != events.EndTransferFailed {
				t.Fatalf("ended %+v; REFERs %q", end, c.Refers())
			}
			testkit.Eventually(t, 10*time.Second, func() error {
				if len(r.Logs.Find(tc.log...)) != 1 || len(r.Logs.Find("ERROR transfer failed")) != 1 {
					return fmt.Errorf("logs %q", r.Logs.Find("transfer"))
				}
				return nil
			})
		})
	}
}

// A caller on the assistant's bypass list is sent straight to its
// transfer number at the trunk (302), as other carriers dial it.
func TestBypassNumberIsRedirected(t *testing.T) {
	r := transferRig(t, "cold")
	_, err := r.dial(t, siptest.Config{From: "+15550009999"})
	var refused *siptest.ErrRefused
	if !errors.As(err, &refused) || refused.Code != 302 || !strings.HasPrefix(refused.Contact, "sip:"+telephonytest.AgentNumber+"@127.0.0.1:") {
		t.Fatalf("bypass caller: %v (%+v)", err, refused)
	}
	if n := r.Calls.Count(); n != 0 {
		t.Fatalf("%d calls started for a bypass caller", n)
	}
}
