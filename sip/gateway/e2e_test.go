package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// trunks is the organization's trunks as the store lists them for
// Number: what the gateway reads, with passwords sealed.
type trunks struct {
	mu   sync.Mutex
	list []persistence.SIPTrunk
}

func (t *trunks) InboundSIPTrunks(_ context.Context, number string) ([]persistence.SIPTrunk, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if number != telephonytest.Number {
		return nil, nil
	}
	return append([]persistence.SIPTrunk(nil), t.list...), nil
}

type rig struct {
	*telephonytest.Harness
	gw     *gateway.Gateway
	trunks *trunks
	box    *secrets.Box
}

func newRig(t *testing.T, edit func(*assistant.Config)) *rig {
	t.Helper()
	return newRigWith(t, edit, gateway.Config{})
}

// newRigWith is newRig with the gateway's settings (its dependencies are
// the rig's).
func newRigWith(t *testing.T, edit func(*assistant.Config), cfg gateway.Config) *rig {
	t.Helper()
	h := telephonytest.New(t)
	h.AddRoute(edit)
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{Harness: h, trunks: &trunks{}, box: box}
	cfg.Calls, cfg.Directory, cfg.Trunks, cfg.Opener, cfg.Log = h.Calls, h.Dir, r.trunks, box, h.Log
	r.gw, err = gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.gw.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // after the harness drained the calls
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := r.gw.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	h.Serve(func(openapi.Router) {})
	return r
}

// trunk adds a trunk allowing addrs, with credentials when user is set.
func (r *rig) trunk(t *testing.T, user, password string, addrs ...string) {
	t.Helper()
	tr := persistence.SIPTrunk{ID: int64(len(r.trunks.list) + 1), OrganizationID: telephonytest.OrgID, Name: "pbx", IsActive: true}
	for _, a := range addrs {
		tr.AllowedAddresses = append(tr.AllowedAddresses, netip.MustParsePrefix(a))
	}
	if user != "" {
		sealed, err := r.box.Seal(password)
		if err != nil {
			t.Fatal(err)
		}
		tr.InboundUsername, tr.InboundPassword = &user, &sealed
	}
	r.trunks.mu.Lock()
	r.trunks.list = append(r.trunks.list, tr)
	r.trunks.mu.Unlock()
}

func (r *rig) addr() netip.AddrPort {
	return r.gw.Addr().(*net.UDPAddr).AddrPort()
}

func (r *rig) dial(t *testing.T, cfg siptest.Config) (*siptest.Caller, error) {
	t.Helper()
	if !cfg.Gateway.IsValid() {
		cfg.Gateway = r.addr()
	}
	if cfg.From == "" {
		cfg.From = telephonytest.CallerNumber
	}
	if cfg.To == "" {
		cfg.To = telephonytest.Number
	}
	// The call reaches the engine over the network only: the manager's
	// lock, which every call's start takes, publishes the test's scripts
	// (LLM.Reply…) to it.
	_ = r.Calls.Count()
	c, err := siptest.Dial(telephonytest.Ctx(t, 10*time.Second), cfg)
	if err == nil {
		t.Cleanup(c.Close)
	}
	return c, err
}

func (r *rig) call(t *testing.T, cfg siptest.Config) (*siptest.Caller, telephonytest.Call) {
	t.Helper()
	c, err := r.dial(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	testkitWaitCall(t, r)
	id := r.Calls.Live()[0].ID
	return c, telephonytest.Call{ID: id, Phone: c.Phone, Caller: c}
}

// testkitWaitCall waits for the call to be live.
func testkitWaitCall(t *testing.T, r *rig) {
	t.Helper()
	ctx := telephonytest.Ctx(t, 10*time.Second)
	for r.Calls.Count() == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("no call started")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestConverseAndCallerHangsUp(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{})
	if a := c.Answer(); a.EventType != 101 || a.Codecs[0] != "pcmu/8000" {
		t.Fatalf("answer %+v", a)
	}
	r.Converse(l)
	r.CallerHangsUp(l)
	cs := r.Events.Of(l.ID, "call-started")[0].(events.CallStarted)
	if cs.Carrier != gateway.Carrier || cs.AssistantID != 1 {
		t.Fatalf("started %+v", cs)
	}
	if c.Packets() < 50 {
		t.Fatalf("only %d RTP packets received", c.Packets())
	}
}

func TestBargeIn(t *testing.T) {
	r := newRig(t, nil)
	r.trunk(t, "", "", "127.0.0.0/8")
	r.LLM.Reply = telephonytest.BargeInScript
	c, l := r.call(t, siptest.Config{})
	c.Say("help")
	telephonytest.WaitHeard(t, c.Phone, "I can help")
	c.Say("stop right there please")
	telephonytest.WaitHeard(t, c.Phone, "Sure.")
	if strings.Contains(c.Phone.Transcript(), "tell me") {
		t.Fatalf("the interrupted reply played to its end: %q", c.Phone.Transcript())
	}
	r.CallerHangsUp(l)
}

func TestDTMFTransferAndAssistantHangsUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.DTMFSolver.Enabled = true
		c.ToolsSettings.EndCall.Enabled = true
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{telephonytest.AgentNumber}}
	})
	r.trunk(t, "", "", "127.0.0.1/32")
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.call(t, siptest.Config{})
	r.PressAndAskForTones(l)
	if err := c.Phone.Wait(telephonytest.Ctx(t, 10*time.Second), func(*phone.Phone) bool { return c.Events() == "42#" }); err != nil {
		t.Fatalf("keys sent %q", c.Events())
	}
	c.Say("a person please")
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 20*time.Second).Done():
		t.Fatal("the transferred call did not end")
	}
	if end := r.WaitEnded(l.ID); end.Reason != events.EndTransferred || len(c.Refers()) != 1 ||
		!strings.Contains(c.Refers()[0], "sip:"+telephonytest.AgentNumber+"@") || !c.HungUpByEngine() {
		t.Fatalf("ended %+v, refers %q", end, c.Refers())
	}
	if v := c.Violations(); len(v) > 0 {
		t.Fatalf("RTP violations: %v", v)
	}

	c, l = r.call(t, siptest.Config{})
	r.AssistantHangsUp(l)
	if !c.HungUpByEngine() {
		t.Fatal("the engine did not send BYE")
	}
}

func TestDigestAuthentication(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "pbx", "correct horse")
	if _, err := r.dial(t, siptest.Config{Username: "pbx", Password: "wrong"}); !refused(err, 403) {
		t.Fatalf("bad password: %v", err)
	}
	if _, err := r.dial(t, siptest.Config{Username: "someone", Password: "correct horse"}); !refused(err, 403) {
		t.Fatalf("bad user: %v", err)
	}
	if _, err := r.dial(t, siptest.Config{}); !refused(err, 401) {
		t.Fatalf("no credentials: %v", err)
	}
	if r.Calls.Count() != 0 {
		t.Fatal("a refused INVITE started a call")
	}
	c, l := r.call(t, siptest.Config{Username: "pbx", Password: "correct horse"})
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	r.CallerHangsUp(l)
	if !(len(r.Logs.Find("bad digest credentials")) > 0) {
		t.Fatal("the refusal was not logged")
	}
}

func refused(err error, code int) bool {
	var re *siptest.ErrRefused
	return errors.As(err, &re) && re.Code == code
}

func TestRefusals(t *testing.T) {
	r := newRig(t, nil)
	r.trunk(t, "", "", "10.0.0.0/8")
	if _, err := r.dial(t, siptest.Config{}); !refused(err, 403) {
		t.Fatalf("foreign source: %v", err)
	}
	if _, err := r.dial(t, siptest.Config{To: "+15559990000"}); !refused(err, 404) {
		t.Fatalf("unknown number: %v", err)
	}
	if _, err := r.dial(t, siptest.Config{To: "bob"}); !refused(err, 404) {
		t.Fatalf("not a number: %v", err)
	}
	r.trunk(t, "", "", "127.0.0.1/32")
	g729 := func(port int) []byte {
		return []byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n")
	}
	if _, err := r.dial(t, siptest.Config{Offer: g729}); !refused(err, 488) {
		t.Fatalf("no common codec: %v", err)
	}
	garbage := func(int) []byte { return []byte("this is not SDP") }
	if _, err := r.dial(t, siptest.Config{Offer: garbage}); !refused(err, 488) {
		t.Fatalf("malformed SDP: %v", err)
	}
	r.Dir.AddNumber(telephonytest.Number, 1, false)
	if _, err := r.dial(t, siptest.Config{}); !refused(err, 480) {
		t.Fatalf("inactive number: %v", err)
	}
	if r.Calls.Count() != 0 || !(len(r.Logs.Find("source address not allowed")) > 0) {
		t.Fatal("a refused INVITE started a call, or was not logged")
	}
}

// Malformed and foreign RTP is dropped: the call goes on.
func TestMalformedRTPIsDropped(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{})
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	for _, junk := range [][]byte{{}, {0x80}, []byte("hello there, not RTP"), {0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, {0x80, 200, 0, 1}} {
		if err := c.SendRaw(0, junk); err != nil {
			t.Fatal(err)
		}
	}
	c.Say("still there")
	telephonytest.WaitHeard(t, c.Phone, "You said: still there")
	r.CallerHangsUp(l)
	if !(len(r.Logs.Find("dropping RTP packets")) > 0) {
		t.Fatal("the dropped packets were not logged")
	}
}

// A re-INVITE puts the call on hold (the engine stops sending) and
// takes it off again.
func TestHold(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{})
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	if d, err := c.Hold(ctx, "sendonly"); err != nil || d.String() != "recvonly" {
		t.Fatalf("hold answered %v, %v", d, err)
	}
	held := c.Packets()
	c.Say("are you there")
	// The reply is made while on hold; none of it reaches the caller.
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, m := range r.Events.History(l.ID) {
			if strings.Contains(m.Content, "You said: are you there") {
				return nil
			}
		}
		return errors.New("no reply yet")
	})
	if n := c.Packets() - held; n > 5 {
		t.Fatalf("%d packets sent on hold", n)
	}
	if d, err := c.Hold(ctx, "sendrecv"); err != nil || d.String() != "sendrecv" {
		t.Fatalf("resume answered %v, %v", d, err)
	}
	c.Say("hello again")
	telephonytest.WaitHeard(t, c.Phone, "You said: hello again")
	r.CallerHangsUp(l)
}

// A caller whose RTP stops (the trunk lost it) is hung up after the media
// timeout, as a caller who left.
func TestMediaTimeoutHangsUp(t *testing.T) {
	r := newRigWith(t, telephonytest.Welcome(telephonytest.Greeting), gateway.Config{MediaTimeout: 2 * time.Second})
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{})
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	c.StopMedia()
	r.EndedBy(l, events.EndCallerHungUp)
	select {
	case <-c.Done():
	case <-telephonytest.Ctx(t, 10*time.Second).Done():
		t.Fatal("no BYE")
	}
	if !c.HungUpByEngine() || len(r.Logs.Find("no RTP from the caller")) == 0 {
		t.Fatal("the engine did not hang up, or did not say why")
	}
}

// Keys sent as SIP INFO reach the assistant like RFC 4733 events.
func TestInfoDTMF(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.DTMFSolver.Enabled = true })
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{})
	ctx := telephonytest.Ctx(t, 10*time.Second)
	for _, k := range "77" {
		if err := c.Info(ctx, string(k)); err != nil {
			t.Fatal(err)
		}
	}
	telephonytest.WaitHeard(t, c.Phone, "You said: [keypad: 77]")
	r.CallerHangsUp(l)
}

// Garbage on the SIP port is dropped; a flood of requests from one address
// is answered only up to its rate; calls go on.
func TestMalformedSIPAndFlood(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	to := net.UDPAddrFromAddrPort(r.addr())
	for _, junk := range []string{"", "\x00\x01\x02", "INVITE\r\n\r\n", "INVITE sip:x SIP/2.0\r\nVia: nonsense\r\nContent-Length: 99999\r\n\r\n",
		"SIP/2.0 200 OK\r\n\r\n"} {
		if _, err := conn.WriteTo([]byte(junk), to); err != nil {
			t.Fatal(err)
		}
	}
	local := conn.LocalAddr().String()
	start := time.Now()
	const sent = 200
	for i := range sent {
		msg := fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-flood-%d\r\nFrom: <sip:flood@127.0.0.1>;tag=f%d\r\n"+
			"To: <sip:%s>\r\nCall-ID: flood-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
			r.addr(), local, i, i, r.addr(), i)
		if _, err := conn.WriteTo([]byte(msg), to); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	answered := 0
	buf := make([]byte, 4096)
	for {
		_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, _, err := conn.ReadFrom(buf); err != nil {
			break
		}
		answered++
	}
	// 40 at once, then 10 a second for as long as the flood lasted.
	if most := 40 + int(elapsed.Seconds()*10) + 1; answered == 0 || answered > most {
		t.Fatalf("%d of %d requests answered in %v (at most %d)", answered, sent, elapsed, most)
	}
	if len(r.Logs.Find("rate-limited")) == 0 {
		t.Fatal("the flood was not logged")
	}
	if n := len(r.Logs.Find("failed to parse")); n != 1 {
		t.Fatalf("%d log lines for the garbage, want 1 (throttled)", n)
	}
	c, l := r.call(t, siptest.Config{})
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	r.CallerHangsUp(l)
}

// A caller asking for session timers (RFC 4028) refreshes; the answer
// says so. A re-INVITE without SDP refreshes the session too.
func TestSessionTimer(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	c, l := r.call(t, siptest.Config{Headers: []sip.Header{sip.NewHeader("Session-Expires", "120"), sip.NewHeader("Supported", "timer")}})
	if se, req := c.AnswerHeader("Session-Expires"), c.AnswerHeader("Require"); se != "120;refresher=uac" || req != "timer" {
		t.Fatalf("Session-Expires %q, Require %q", se, req)
	}
	if d, err := c.Hold(telephonytest.Ctx(t, 10*time.Second), "sendrecv"); err != nil || d.String() != "sendrecv" {
		t.Fatalf("refresh answered %v, %v", d, err)
	}
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	r.CallerHangsUp(l)
}
