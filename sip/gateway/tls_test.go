package gateway_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

func newPKI(t *testing.T) *siptest.PKI {
	t.Helper()
	p, err := siptest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A trunk sends calls over TLS: the call converses over RTP, the engine's
// answer keeps the dialog on TLS, and BYEs go both ways over it (the
// engine checking the trunk's certificate against its roots).
func TestInboundOverTLS(t *testing.T) {
	pki := newPKI(t)
	r := newRigWith(t, func(c *assistant.Config) {
		telephonytest.Welcome(telephonytest.Greeting)(c)
		c.ToolsSettings.EndCall.Enabled = true
	}, gateway.Config{TLSRoots: pki.Roots})
	if err := r.gw.ListenTLS("127.0.0.1:0", pki.Cert); err != nil {
		t.Fatal(err)
	}
	r.trunk(t, "", "", "127.0.0.1/32")
	over := siptest.Config{Gateway: r.gw.TLSAddr().(*net.TCPAddr).AddrPort(), TLS: pki.Config()}
	c, l := r.call(t, over)
	if contact := c.AnswerHeader("Contact"); !strings.Contains(contact, "transport=tls") ||
		!strings.Contains(contact, r.gw.TLSAddr().String()) {
		t.Fatalf("the answer's Contact %q leaves TLS", contact)
	}
	r.Converse(l)
	r.CallerHangsUp(l)
	if c.Packets() < 50 {
		t.Fatalf("only %d RTP packets received", c.Packets())
	}

	r.LLM.Reply = telephonytest.ToolScript
	c, l = r.call(t, over)
	r.AssistantHangsUp(l)
	if !c.HungUpByEngine() {
		t.Fatal("the engine did not send BYE")
	}
}

// A trunk whose transport is tls gets the INVITE over TLS, with a
// Contact that brings its requests back over TLS; the call runs as over
// UDP and either side hangs up.
func TestOutboundOverTLS(t *testing.T) {
	pki := newPKI(t)
	r := newOutboundRig(t, func(c *assistant.Config) {
		telephonytest.Welcome(telephonytest.CallBackGreeting)(c)
		c.ToolsSettings.EndCall.Enabled = true
	}, siptest.CalleeConfig{Behaviour: siptest.Pick, TLS: pki.Config()}, "", "")
	sid := r.place(t)
	a, err := r.callee.Next(telephonytest.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err, r.statuses.Of(sid), r.Logs.Find(""))
	}
	if tr := a.Invite.Transport(); tr != "TLS" {
		t.Fatalf("INVITE over %s", tr)
	}
	if c := a.Invite.Contact(); c == nil || !strings.Contains(c.Value(), "transport=tls") {
		t.Fatalf("INVITE's Contact %v", c)
	}
	r.AnswerOutbound(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})
	if end := r.WaitEnded(sid); end.Reason != "customer-ended-call" {
		t.Fatalf("ended %+v", end)
	}

	r.LLM.Reply = telephonytest.ToolScript
	sid = r.place(t)
	if a, err = r.callee.Next(telephonytest.Ctx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	r.AssistantHangsUp(telephonytest.Call{ID: sid, Phone: a.Phone, Caller: a})
	if !a.HungUpByEngine() {
		t.Fatal("the engine did not send BYE")
	}
}

// A trunk whose certificate the engine's roots do not vouch for gets no
// INVITE: the call fails.
func TestOutboundOverTLSUntrusted(t *testing.T) {
	trusted, other := newPKI(t), newPKI(t)
	callee := other.Config()
	callee.RootCAs = trusted.Roots // the engine's roots: not the callee's authority
	r := newOutboundRig(t, nil, siptest.CalleeConfig{Behaviour: siptest.Pick, TLS: callee}, "", "")
	sid := r.place(t)
	r.waitStatuses(t, sid, telephony.StatusFailed)
	if n := len(r.callee.Invites()); n != 0 || r.Calls.Count() != 0 || len(r.Logs.Find("certificate signed by unknown authority")) == 0 {
		t.Fatalf("%d INVITEs reached an untrusted trunk", n)
	}
}

// Without the engine's TLS listener, a tls trunk places no calls: its
// requests in the dialog would have nowhere to come back to.
func TestOutboundOverTLSNeedsListener(t *testing.T) {
	r := newOutboundRig(t, nil, siptest.CalleeConfig{Behaviour: siptest.Pick, TCP: true}, "", "")
	r.trunks.mu.Lock()
	r.trunks.list[0].OutboundTransport = "tls"
	r.trunks.mu.Unlock()
	_, _, err := r.gw.Prepare(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID,
		AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber})
	if !errors.Is(err, gateway.ErrNoTLS) {
		t.Fatalf("placed over TLS without a listener: %v", err)
	}
}
