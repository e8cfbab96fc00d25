package telnyx_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/telnyx"
	"github.com/switchboard-voice/switchboard/http/telephony/telnyx/telnyxtest"
)

type rig struct {
	*telephonytest.Harness
	cloud *telnyxtest.Cloud
	gw    *telnyx.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config), opts ...func(*telnyxtest.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cfg := telnyxtest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL}
	for _, o := range opts {
		o(&cfg)
	}
	cloud, err := telnyxtest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Telnyx: &telephony.TelnyxAccount{APIKey: cloud.APIKey(),
		ConnectionID: cloud.ConnectionID(), PublicKey: cloud.PublicKey()}})
	h.AddRoute(edit)
	gw, err := telnyx.New(telnyx.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func (r *rig) dial() (*telnyxtest.Call, telephonytest.Call) {
	c := telephonytest.Dial(r.Harness, r.cloud.Dial)
	return c, line(c)
}

func line(c *telnyxtest.Call) telephonytest.Call {
	return telephonytest.Call{ID: c.ID, Phone: c.Phone, Caller: c}
}

// waitRequest waits for an API request to a call's action.
func (r *rig) waitRequest(suffix string) telnyxtest.Request {
	return telephonytest.WaitRequest(r.Harness, r.cloud.Requests, suffix, func(q telnyxtest.Request) bool {
		return strings.HasSuffix(q.Path, suffix)
	})
}

// A call with its media shuffled as Telnyx may deliver it: greeted,
// answered, hung up by the caller; statuses recorded from the webhooks.
func TestCallThroughTelnyx(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting), func(c *telnyxtest.Config) { c.Shuffle = true })
	c, l := r.dial()
	r.Converse(l)
	answer := r.waitRequest("/actions/answer")
	if !answer.Authorized || answer.Body["stream_bidirectional_mode"] != "rtp" || answer.Body["stream_bidirectional_codec"] != "PCMU" ||
		answer.Body["stream_url"] != r.Public.WS(telnyx.PathStream) {
		t.Fatalf("answer %+v", answer)
	}
	r.CallerHangsUp(l)
	r.WaitStatuses(c.ID, func(st []telephony.CallStatus) bool {
		return len(st) >= 3 && st[len(st)-1].Status == telephony.StatusCompleted && st[len(st)-1].Duration > 0
	})
}

func TestBargeInClears(t *testing.T) {
	r := newRig(t, nil)
	r.LLM.Reply = telephonytest.BargeInScript
	_, l := r.dial()
	r.BargeIn(l)
	r.HangUp(l)
}

func TestDTMFBothWays(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.DTMFSolver.Enabled = true })
	r.LLM.Reply = telephonytest.ToolScript
	_, l := r.dial()
	r.PressAndAskForTones(l)
	if req := r.waitRequest("/actions/send_dtmf"); req.Body["digits"] != "42#" {
		t.Fatalf("send_dtmf %+v", req.Body)
	}
	r.HangUp(l)
}

// Transfers are cold on Telnyx; a warm one is made cold, with a warning.
func TestTransfer(t *testing.T) {
	for _, kind := range []string{"cold", "warm"} {
		t.Run(kind, func(t *testing.T) {
			r := newRig(t, func(c *assistant.Config) {
				c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: kind, TransferNumbers: []string{telephonytest.AgentNumber}}
			})
			r.LLM.Reply = telephonytest.ToolScript
			c, l := r.dial()
			c.Say("a person please")
			r.EndedBy(l, events.EndTransferred)
			req := r.waitRequest("/actions/transfer")
			if req.Body["to"] != telephonytest.AgentNumber || req.Body["from"] != telephonytest.Number || c.TransferredTo() != telephonytest.AgentNumber {
				t.Fatalf("transfer %+v", req.Body)
			}
			if kind == "warm" && len(r.Logs.Find("warm transfers are not supported")) == 0 {
				t.Fatal("no warning for a warm transfer made cold")
			}
			c.HangUp()
		})
	}
}

// A transfer Telnyx refuses hangs the caller up, and the call ends as a
// failed transfer, not a transferred one.
func TestTransferRefused(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferNumbers: []string{telephonytest.AgentNumber}}
	}, func(c *telnyxtest.Config) { c.RefuseTransfers = true })
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.dial()
	c.Say("a person please")
	r.EndedBy(l, events.EndTransferFailed)
	r.waitRequest("/actions/transfer")
	r.waitRequest("/actions/hangup")
	if c.TransferredTo() != "" || len(r.Logs.Find("ERROR transfer failed", "10015")) != 1 {
		t.Fatalf("transferred to %q; logs %q", c.TransferredTo(), r.Logs.Find("transfer"))
	}
}

func TestAssistantHangsUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.EndCall.Enabled = true })
	r.LLM.Reply = telephonytest.ToolScript
	_, l := r.dial()
	r.AssistantHangsUp(l)
	r.waitRequest("/actions/hangup")
}

func TestBypassAndRefusals(t *testing.T) {
	r := newRig(t, telephonytest.Bypass)
	telephonytest.CheckBypassAndRefusals(r.Harness, r.cloud.Dial)
}

// Webhooks not signed by a configured key, or too old, are a 403 and
// nothing else happens; so are stream upgrades without a valid token.
func TestBadSignaturesAreForbidden(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"event_type": "call.initiated", "payload": map[string]any{
		"call_control_id": "v3:x", "direction": "incoming", "from": telephonytest.CallerNumber, "to": telephonytest.Number}}})
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	for name, key := range map[string]ed25519.PrivateKey{"other key": other, "unsigned": nil} {
		if status, _, err := r.cloud.Post(ctx, body, key); err != nil || status != http.StatusForbidden {
			t.Fatalf("%s: %d %v", name, status, err)
		}
	}
	stale, err := telnyxtest.New(telnyxtest.Config{Engine: r.BaseURL(), Public: telephonytest.PublicURL,
		Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Close()
	r.Dir.SetCredentials(telephony.Credentials{Telnyx: &telephony.TelnyxAccount{APIKey: stale.APIKey(), PublicKey: stale.PublicKey()}})
	if status, _, _ := stale.Post(ctx, body, nil); status != http.StatusForbidden {
		t.Fatalf("unsigned: %d", status)
	}
	if _, err := stale.Dial(ctx, telephonytest.CallerNumber, telephonytest.Number); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a stale webhook was accepted: %v", err)
	}
	for _, tok := range []string{"", "forged.token"} {
		r.CheckUpgradeForbidden("with "+tok, func() (*websocket.Conn, *http.Response, error) {
			return r.cloud.Upgrade(ctx, r.Public.WS(telnyx.PathStream), tok)
		})
	}
	r.CheckNothingHappened(len(r.cloud.Requests()) + len(stale.Requests()))
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, f := range map[string]telephonytest.Frame{
		"not JSON":  telephonytest.Text(`{"event":`),
		"bad chunk": telephonytest.Text(`{"event":"media","media":{"track":"inbound","chunk":"x","payload":"AAAA"}}`),
		"oversized": telephonytest.Text(`{"event":"media","media":{"payload":"` + strings.Repeat("A", 64<<10) + `"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
			_, l := r.dial()
			r.SendMalformed(l, f)
			r.waitRequest("/actions/hangup")
		})
	}
}

func TestOutboundCallAndSMS(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.CallBackGreeting))
	id, c := telephonytest.Place(r.Harness, r.gw, r.cloud.Placed())
	if c.ID != id {
		t.Fatalf("placed %s, created %s", c.ID, id)
	}
	r.AnswerOutbound(line(c))
	sms := telephony.SMS{OrganizationID: telephonytest.OrgID, AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber, Body: "See you."}
	if _, err := r.gw.SendSMS(telephonytest.Ctx(t, 5*time.Second), sms); err != nil {
		t.Fatal(err)
	}
	if m := r.cloud.Messages(); len(m) != 1 || m[0]["text"] != "See you." || m[0]["from"] != telephonytest.Number {
		t.Fatalf("messages %+v", m)
	}
}

// A stream that dies without closing leaves the call up at the carrier:
// the engine hangs it up through the API.
func TestLostStreamIsHungUp(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	c.Drop()
	r.EndedBy(l, events.EndCallerHungUp)
	r.waitRequest("/actions/hangup")
	<-c.Done()
	if len(r.Logs.Find("carrier stream lost")) != 1 {
		t.Fatalf("not logged:\n%s", r.Logs.All())
	}
}

// An outbound call with Telnyx's answering-machine detection asked for: a
// callee that says nothing would pass for a person after the silence, but
// Telnyx says a machine answered first; the message is left at the beep.
func TestOutboundCarrierDetection(t *testing.T) {
	r := newRig(t, telephonytest.LeaveVoicemail, func(cfg *telnyxtest.Config) { cfg.AnsweredBy = func(string) string { return "machine" } })
	sid, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID, AssistantID: 1,
		From: telephonytest.Number, To: telephonytest.CallerNumber})
	if err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	r.CarrierSaysMachine(sid, c.Phone)
	if create := r.cloud.Requests()[0].Body; create["answering_machine_detection"] != "detect" {
		t.Fatalf("create %v", create)
	}
}
