package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// OutboundSIPTrunk is the store's: the first trunk with an outbound
// address places the organization's calls from Number.
func (t *trunks) OutboundSIPTrunk(_ context.Context, orgID int64, number string) (persistence.SIPTrunk, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tr := range t.list {
		if tr.OutboundAddress != nil && orgID == telephonytest.OrgID && number == telephonytest.Number {
			return tr, nil
		}
	}
	return persistence.SIPTrunk{}, persistence.ErrNotFound
}

// outboundRig is a gateway whose calls go out through a trunk to callee.
type outboundRig struct {
	*rig
	statuses *telephonytest.Statuses
	callee   *siptest.Callee
}

const callerID = "+15550009999"

func newOutboundRig(t *testing.T, edit func(*assistant.Config), callee siptest.CalleeConfig, user, password string) *outboundRig {
	t.Helper()
	return newOutboundRigWith(t, edit, callee, user, password, gateway.Config{})
}

// newOutboundRigWith is newOutboundRig with the gateway's settings.
func newOutboundRigWith(t *testing.T, edit func(*assistant.Config), callee siptest.CalleeConfig, user, password string, cfg gateway.Config) *outboundRig {
	t.Helper()
	transport := "udp"
	if callee.TCP {
		transport = "tcp"
	}
	st := &telephonytest.Statuses{}
	cfg.Status = st
	if callee.TLS != nil { // the engine trusts the callee's roots, and listens with its certificate
		transport, cfg.TLSRoots = "tls", callee.TLS.RootCAs
	}
	r := &outboundRig{rig: newRigWith(t, edit, cfg), statuses: st}
	var err error
	if callee.TLS != nil {
		if err := r.gw.ListenTLS("127.0.0.1:0", callee.TLS.Certificates[0]); err != nil {
			t.Fatal(err)
		}
	}
	if r.callee, err = siptest.Listen(callee); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.callee.Close)
	addr, cid := r.callee.Addr().String(), callerID
	tr := persistence.SIPTrunk{ID: 9, OrganizationID: telephonytest.OrgID, Name: "carrier", IsActive: true,
		OutboundAddress: &addr, OutboundTransport: transport, CallerID: &cid}
	if user != "" {
		sealed, err := r.box.Seal(password)
		if err != nil {
			t.Fatal(err)
		}
		tr.OutboundUsername, tr.OutboundPassword = &user, &sealed
	}
	r.trunks.mu.Lock()
	r.trunks.list = append(r.trunks.list, tr)
	r.trunks.mu.Unlock()
	return r
}

// place places a call from Number to CallerNumber, as the API does: the
// INVITE goes out once ring is called.
func (r *outboundRig) place(t *testing.T) string {
	t.Helper()
	_ = r.Calls.Count() // publishes the test's scripts to the call (rig.dial)
	sid, ring, err := r.gw.Prepare(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID,
		AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber})
	if err != nil {
		t.Fatal(err)
	}
	ring()
	return sid
}

// waitStatuses waits for a call's statuses to be want, in order.
func (r *outboundRig) waitStatuses(t *testing.T, sid string, want ...string) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, func() error {
		var got []string
		for _, st := range r.statuses.Of(sid) {
			got = append(got, st.Status)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("statuses %v, want %v", got, want)
		}
		return nil
	})
}

// An answered call converses over RTP and ends by either side's BYE; the
// INVITE presents the trunk's caller ID.
func TestOutboundAnswered(t *testing.T) {
	r := newOutboundRig(t, func(c *assistant.Config) {
		telephonytest.Welcome(telephonytest.CallBackGreeting)(c)
		c.ToolsSettings.EndCall.Enabled = true
	}, siptest.CalleeConfig{Behaviour: siptest.Pick}, "", "")
	sid := r.place(t)
	a, err := r.callee.Next(telephonytest.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err, r.statuses.Of(sid), r.Logs.Find(""))
	}
	if a.CallID() != sid || a.User("From") != callerID || a.User("P-Asserted-Identity") != callerID || a.User("To") != telephonytest.CallerNumber {
		t.Fatalf("INVITE %s from %q (asserted %q) to %q", a.CallID(), a.User("From"), a.User("P-Asserted-Identity"), a.User("To"))
	}
	offer := a.Answer()
	if len(offer.Payloads) != 3 || offer.Codecs[0] != "pcmu/8000" || offer.Codecs[8] != "pcma/8000" || offer.EventType != 101 {
		t.Fatalf("offer %+v", offer)
	}
	// The far end holds and resumes the call (re-INVITEs in a dialog the
	// engine began).
	telephonytest.WaitHeard(t, a.Phone, telephonytest.CallBackGreeting)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	if d, err := a.Hold(ctx, "sendonly"); err != nil || d.String() != "recvonly" {
		t.Fatalf("hold answered %v, %v", d, err)
	}
	if d, err := a.Hold(ctx, "sendrecv"); err != nil || d.String() != "sendrecv" {
		t.Fatalf("resume answered %v, %v", d, err)
	}
	r.AnswerOutbound(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})
	if end := r.WaitEnded(sid); end.Reason != "customer-ended-call" {
		t.Fatalf("ended %+v", end)
	}
	if v := a.Violations(); len(v) > 0 {
		t.Fatalf("RTP violations: %v", v)
	}

	// The engine hangs up: BYE from the engine's side of a dialog it began.
	r.LLM.Reply = telephonytest.ToolScript
	sid = r.place(t)
	if a, err = r.callee.Next(telephonytest.Ctx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	r.AssistantHangsUp(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})
	select {
	case <-a.Done():
	case <-telephonytest.Ctx(t, 10*time.Second).Done():
		t.Fatal("no BYE")
	}
	if !a.HungUpByEngine() {
		t.Fatal("the engine did not send BYE")
	}
}

// A trunk taking calls over TCP gets the INVITE over TCP, and the call
// runs as over UDP.
func TestOutboundOverTCP(t *testing.T) {
	r := newOutboundRig(t, telephonytest.Welcome(telephonytest.CallBackGreeting), siptest.CalleeConfig{Behaviour: siptest.Pick, TCP: true}, "", "")
	sid := r.place(t)
	a, err := r.callee.Next(telephonytest.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if tr := a.Invite.Transport(); tr != "TCP" {
		t.Fatalf("INVITE over %s", tr)
	}
	r.AnswerOutbound(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})
	if end := r.WaitEnded(sid); end.Reason != "customer-ended-call" {
		t.Fatalf("ended %+v", end)
	}
}

// Busy and unanswered calls end with those statuses, no call started.
func TestOutboundBusyAndNoAnswer(t *testing.T) {
	r := newOutboundRig(t, nil, siptest.CalleeConfig{Behaviour: siptest.Busy}, "", "")
	sid := r.place(t)
	r.waitStatuses(t, sid, telephony.StatusBusy)

	r = newOutboundRig(t, func(c *assistant.Config) { c.CallFlowSettings.RingingTimeoutSeconds = 1 },
		siptest.CalleeConfig{Behaviour: siptest.Ignore}, "", "")
	sid = r.place(t)
	r.waitStatuses(t, sid, telephony.StatusRinging, telephony.StatusNoAnswer)
	testkit.Eventually(t, 10*time.Second, func() error {
		if r.callee.Cancelled() != 1 {
			return errors.New("the INVITE was not cancelled")
		}
		return nil
	})
	if r.Calls.Count() != 0 || len(r.Events.Of(sid, "call-started")) != 0 {
		t.Fatal("an unanswered call started")
	}
}

// A trunk's proxy challenges the INVITE (407): the trunk's credentials
// answer it; wrong ones fail the call.
func TestOutboundDigest(t *testing.T) {
	callee := siptest.CalleeConfig{Behaviour: siptest.Pick, Username: "acct", Password: "right"}
	r := newOutboundRig(t, telephonytest.Welcome(telephonytest.CallBackGreeting), callee, "acct", "right")
	sid := r.place(t)
	a, err := r.callee.Next(telephonytest.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.callee.Invites()); n != 2 || a.Invite.GetHeader("Proxy-Authorization") == nil {
		t.Fatalf("%d INVITEs, the answered one with credentials: %v", n, a.Invite.GetHeader("Proxy-Authorization") != nil)
	}
	r.AnswerOutbound(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})

	r = newOutboundRig(t, nil, callee, "acct", "wrong")
	sid = r.place(t)
	r.waitStatuses(t, sid, telephony.StatusFailed)
	if r.Calls.Count() != 0 || len(r.Logs.Find("403 Forbidden")) == 0 {
		t.Fatal("a refused call started, or its refusal was not logged")
	}
}

// A number without an outbound trunk places no calls.
func TestOutboundWithoutTrunk(t *testing.T) {
	r := newRig(t, nil)
	_, _, err := r.gw.Prepare(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID,
		AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber})
	if !errors.Is(err, gateway.ErrNoTrunk) {
		t.Fatalf("placed without a trunk: %v", err)
	}
}

// Closing the gateway cancels the calls still ringing.
func TestOutboundCancelledByClose(t *testing.T) {
	r := newOutboundRig(t, nil, siptest.CalleeConfig{Behaviour: siptest.Ignore}, "", "")
	sid := r.place(t)
	r.waitStatuses(t, sid, telephony.StatusRinging)
	if err := r.gw.Close(telephonytest.Ctx(t, 20*time.Second)); err != nil {
		t.Fatal(err)
	}
	r.waitStatuses(t, sid, telephony.StatusRinging, telephony.StatusCanceled)
	if r.callee.Cancelled() != 1 {
		t.Fatal("the INVITE was not cancelled")
	}
	if _, _, err := r.gw.Prepare(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID,
		AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber}); !errors.Is(err, telephony.ErrDraining) {
		t.Fatalf("placed while closed: %v", err)
	}
}
