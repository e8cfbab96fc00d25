package gateway_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// bridgeRig is a trunk refusing REFER (405) whose calls the assistant
// transfers (ToolScript) to the agent, reached through the number's
// outbound trunk at callee.
func bridgeRig(t *testing.T, callee siptest.CalleeConfig, cfg gateway.Config) (*outboundRig, *siptest.Caller, telephonytest.Call) {
	t.Helper()
	r := newOutboundRigWith(t, func(c *assistant.Config) {
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{telephonytest.AgentNumber}}
	}, callee, "", "", cfg)
	r.trunk(t, "", "", "127.0.0.1/32")
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.call(t, siptest.Config{Refer: siptest.ReferAnswer{Code: 405}})
	c.Say("a person please")
	return r, c, l
}

// answeredTransfer waits for the agent's leg and for the call to end as
// transferred: the caller's number presented to the agent, and the
// bridge up.
func answeredTransfer(t *testing.T, r *outboundRig, c *siptest.Caller, l telephonytest.Call) *siptest.Answered {
	t.Helper()
	a, err := r.callee.Next(telephonytest.Ctx(t, 20*time.Second))
	if err != nil {
		t.Fatal(err, r.Logs.Find("transfer"))
	}
	if a.User("To") != telephonytest.AgentNumber || a.User("From") != telephonytest.CallerNumber {
		t.Fatalf("transfer leg to %q from %q", a.User("To"), a.User("From"))
	}
	if end := r.WaitEnded(l.ID); end.Reason != events.EndTransferred {
		t.Fatalf("ended %+v", end)
	}
	if len(c.Refers()) != 1 || len(r.Logs.Find("SIP transfer refused by the trunk", "code=405")) != 1 ||
		len(r.Logs.Find("SIP transfer bridged")) != 1 {
		t.Fatalf("REFERs %q; logs %q", c.Refers(), r.Logs.Find("transfer"))
	}
	return a
}

// Where the trunk refuses REFER, the engine calls the agent through the
// trunk and bridges the legs once the agent answers: the call ends as
// transferred for the assistant while caller and agent hear each other
// and each other's keys, and the agent's hang-up ends the caller's leg.
func TestTransferBridgedWhereReferRefused(t *testing.T) {
	r, c, l := bridgeRig(t, siptest.CalleeConfig{Behaviour: siptest.Pick}, gateway.Config{})
	a := answeredTransfer(t, r, c, l)
	a.Say("agent speaking how can I help")
	telephonytest.WaitHeard(t, c.Phone, "agent speaking how can I help")
	c.Say("my parcel is late")
	telephonytest.WaitHeard(t, a.Phone, "my parcel is late")
	if err := c.Press("42"); err != nil {
		t.Fatal(err)
	}
	if err := a.Press("7"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if a.Events() != "42" || c.Events() != "7" {
			return fmt.Errorf("agent got keys %q, caller %q", a.Events(), c.Events())
		}
		return nil
	})
	a.HangUp()
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 20*time.Second).Done():
		t.Fatal("the caller's leg outlived the agent's")
	}
	if !c.HungUpByEngine() {
		t.Fatal("the engine did not send the caller BYE")
	}
	for _, s := range []interface{ Violations() []string }{c, a} {
		if v := s.Violations(); len(v) > 0 {
			t.Fatalf("RTP violations: %v", v)
		}
	}
}

// The caller's hang-up on a bridged call ends the agent's leg.
func TestBridgeEndsWithTheCaller(t *testing.T) {
	r, c, l := bridgeRig(t, siptest.CalleeConfig{Behaviour: siptest.Pick}, gateway.Config{})
	a := answeredTransfer(t, r, c, l)
	c.Say("hello")
	telephonytest.WaitHeard(t, a.Phone, "hello")
	c.HangUp()
	select {
	case <-a.Done():
	case <-telephonytest.Ctx(t, 20*time.Second).Done():
		t.Fatal("the agent's leg outlived the caller's")
	}
	if !a.HungUpByEngine() {
		t.Fatal("the engine did not send the agent BYE")
	}
}

// A bridged leg whose RTP stops (the agent's phone gone without a BYE)
// is hung up after the media timeout, and the caller's leg with it.
func TestBridgeEndsWhenALegFallsSilent(t *testing.T) {
	r, c, l := bridgeRig(t, siptest.CalleeConfig{Behaviour: siptest.Pick}, gateway.Config{MediaTimeout: 2 * time.Second})
	a := answeredTransfer(t, r, c, l)
	a.StopMedia()
	for who, done := range map[string]<-chan struct{}{"agent": a.Done(), "caller": c.Done()} {
		select {
		case <-done:
		case <-telephonytest.Ctx(t, 20*time.Second).Done():
			t.Fatalf("the %s's leg was not hung up", who)
		}
	}
	if !a.HungUpByEngine() || !c.HungUpByEngine() || len(r.Logs.Find("no RTP on a bridged leg")) != 1 {
		t.Fatalf("BYE to agent %v, caller %v; logs %q", a.HungUpByEngine(), c.HungUpByEngine(), r.Logs.Find("RTP"))
	}
}

// Closing the gateway hangs up a bridge, which no call actor drains:
// both legs get a BYE and Close returns.
func TestCloseEndsABridge(t *testing.T) {
	r, c, l := bridgeRig(t, siptest.CalleeConfig{Behaviour: siptest.Pick}, gateway.Config{})
	a := answeredTransfer(t, r, c, l)
	if err := r.gw.Close(telephonytest.Ctx(t, 20*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []interface{ HungUpByEngine() bool }{a, c} {
		if !s.HungUpByEngine() {
			t.Fatalf("a leg had no BYE when the gateway closed")
		}
	}
}

// An agent who is busy leaves the transfer failed, as a REFER's would:
// the caller is hung up on.
func TestBridgeToABusyAgentFails(t *testing.T) {
	r, c, l := bridgeRig(t, siptest.CalleeConfig{Behaviour: siptest.Busy}, gateway.Config{})
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 20*time.Second).Done():
		t.Fatal("the call did not end")
	}
	if end := r.WaitEnded(l.ID); end.Reason != events.EndTransferFailed || !c.HungUpByEngine() {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if len(r.Logs.Find("SIP transfer failed: no second leg", "busy")) != 1 {
			return fmt.Errorf("logs %q", r.Logs.Find("transfer"))
		}
		return nil
	})
}
