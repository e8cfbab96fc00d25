package telnyx_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
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
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/voice"
)

const (
	number = "+15550001111"
	caller = "+15557654321"
	agent  = "+18005550100"
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
	h.Dir.AddAssistant(1, edit)
	h.Dir.AddNumber(number, 1, true)
	gw, err := telnyx.New(telnyx.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func dial(t *testing.T, r *rig) *telnyxtest.Call {
	t.Helper()
	c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), caller, number)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitRequest waits for an API request to a call's action.
func waitRequest(t *testing.T, r *rig, suffix string) telnyxtest.Request {
	t.Helper()
	var got telnyxtest.Request
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, q := range r.cloud.Requests() {
			if strings.HasSuffix(q.Path, suffix) {
				got = q
				return nil
			}
		}
		return fmt.Errorf("no %s in %+v", suffix, r.cloud.Requests())
	})
	return got
}

// A call with its media shuffled as Telnyx may deliver it: greeted,
// answered, hung up by the caller; statuses recorded from the webhooks.
func TestCallThroughTelnyx(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hello there."), func(c *telnyxtest.Config) { c.Shuffle = true })
	c := dial(t, r)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	c.Say("what are your hours")
	telephonytest.WaitHeard(t, c.Phone, "You said: what are your hours")
	answer := waitRequest(t, r, "/actions/answer")
	if !answer.Authorized || answer.Body["stream_bidirectional_mode"] != "rtp" || answer.Body["stream_bidirectional_codec"] != "PCMU" ||
		answer.Body["stream_url"] != r.Public.WS(telnyx.PathStream) {
		t.Fatalf("answer %+v", answer)
	}
	c.HangUp()
	if end := r.WaitEnded(c.ID); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		st := r.Status.Of(c.ID)
		if len(st) < 3 || st[len(st)-1].Status != telephony.StatusCompleted || st[len(st)-1].Duration <= 0 {
			return fmt.Errorf("statuses %+v", st)
		}
		return nil
	})
	if v := c.Violations(); len(v) > 0 {
		t.Fatalf("violations %v", v)
	}
}

func TestBargeInClears(t *testing.T) {
	r := newRig(t, nil)
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if telephonytest.LastMessage(req) == "help" {
			return "I can help with orders, returns, deliveries, billing, and a great many other things besides, so tell me.", nil
		}
		return "Sure.", nil
	}
	c := dial(t, r)
	c.Say("help")
	telephonytest.WaitHeard(t, c.Phone, "I can help")
	c.Say("stop right there please")
	telephonytest.WaitHeard(t, c.Phone, "Sure.")
	if c.Phone.Clears() == 0 || strings.Contains(c.Phone.Transcript(), "tell me") {
		t.Fatalf("%d clears, heard %q", c.Phone.Clears(), c.Phone.Transcript())
	}
	c.HangUp()
	r.WaitEnded(c.ID)
}

func TestDTMFBothWays(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.DTMFSolver.Enabled = true })
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if strings.Contains(telephonytest.LastMessage(req), "menu") {
			return "", []voice.ToolCall{{ID: "d1", Name: "send_dtmf", Arguments: `{"digits":"42#"}`}}
		}
		if req.Messages[len(req.Messages)-1].Role == voice.RoleTool {
			return "Done.", nil
		}
		return "Got " + telephonytest.LastMessage(req), nil
	}
	c := dial(t, r)
	if err := c.Press("12"); err != nil {
		t.Fatal(err)
	}
	telephonytest.WaitHeard(t, c.Phone, "Got [keypad: 12]")
	c.Say("the menu please")
	req := waitRequest(t, r, "/actions/send_dtmf")
	if req.Body["digits"] != "42#" {
		t.Fatalf("send_dtmf %+v", req.Body)
	}
	c.HangUp()
	r.WaitEnded(c.ID)
}

// Transfers are cold on Telnyx; a warm one is made cold, with a warning.
func TestTransfer(t *testing.T) {
	for _, kind := range []string{"cold", "warm"} {
		t.Run(kind, func(t *testing.T) {
			r := newRig(t, func(c *assistant.Config) {
				c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: kind, TransferNumbers: []string{agent}}
			})
			r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
				if strings.HasPrefix(req.Messages[0].Content, "You are briefing") {
					return "A refund.", nil
				}
				return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{"destination":"` + agent + `"}`}}
			}
			c := dial(t, r)
			c.Say("a person please")
			if end := r.WaitEnded(c.ID); end.Reason != events.EndTransferred {
				t.Fatalf("ended %+v", end)
			}
			req := waitRequest(t, r, "/actions/transfer")
			if req.Body["to"] != agent || req.Body["from"] != number || c.TransferredTo() != agent {
				t.Fatalf("transfer %+v", req.Body)
			}
			if kind == "warm" && len(r.Logs.Find("warm transfers are not supported")) == 0 {
				t.Fatal("no warning for a warm transfer made cold")
			}
			c.HangUp()
		})
	}
}

func TestAssistantHangsUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.EndCall.Enabled = true })
	r.LLM.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
		return "", []voice.ToolCall{{ID: "e1", Name: "end_call", Arguments: `{"message":"Goodbye then."}`}}
	}
	c := dial(t, r)
	c.Say("bye now")
	telephonytest.WaitHeard(t, c.Phone, "Goodbye then.")
	<-c.Done()
	if end := r.WaitEnded(c.ID); end.Reason != events.EndAssistantTool {
		t.Fatalf("ended %+v", end)
	}
	waitRequest(t, r, "/actions/hangup")
}

func TestBypassAndRefusals(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.BypassNumbers = []string{caller}
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{TransferNumbers: []string{agent}}
	})
	c := dial(t, r)
	if c.TransferredTo() != agent || c.Streams() != 0 {
		t.Fatalf("bypass: transferred to %q, %d streams", c.TransferredTo(), c.Streams())
	}
	c.HangUp()
	r.Dir.AddNumber("+15550002222", 1, false)
	for _, tc := range []struct{ to, said string }{
		{"+15559999999", telephony.RefusalUnknown}, {"+15550002222", telephony.RefusalInactive},
	} {
		c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), caller, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		<-c.Done()
		if said := c.Said(); len(said) != 1 || said[0] != tc.said || c.Streams() != 0 {
			t.Fatalf("%s: said %q", tc.to, said)
		}
	}
	if r.Events.Started() != 0 {
		t.Fatal("a call reached the assistant")
	}
}

// Webhooks not signed by a configured key, or too old, are a 403 and
// nothing else happens; so are stream upgrades without a valid token.
func TestBadSignaturesAreForbidden(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"event_type": "call.initiated", "payload": map[string]any{
		"call_control_id": "v3:x", "direction": "incoming", "from": caller, "to": number}}})
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
	if _, err := stale.Dial(ctx, caller, number); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a stale webhook was accepted: %v", err)
	}
	for _, tok := range []string{"", "forged.token"} {
		ws, resp, err := r.cloud.Upgrade(ctx, r.Public.WS(telnyx.PathStream), tok)
		if err == nil {
			ws.Close()
			t.Fatalf("upgrade with %q accepted", tok)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("upgrade with %q: %v", tok, err)
		}
		resp.Body.Close()
	}
	if r.Events.Started() != 0 || len(r.cloud.Requests()) != 0 || len(stale.Requests()) != 0 || len(r.Status.All()) != 0 {
		t.Fatal("something happened after a forbidden request")
	}
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, raw := range map[string]string{
		"not JSON":  `{"event":`,
		"bad chunk": `{"event":"media","media":{"track":"inbound","chunk":"x","payload":"AAAA"}}`,
		"oversized": `{"event":"media","media":{"payload":"` + strings.Repeat("A", 64<<10) + `"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome("Hello there."))
			c := dial(t, r)
			telephonytest.WaitHeard(t, c.Phone, "Hello there.")
			_ = c.SendRaw(websocket.TextMessage, []byte(raw))
			if end := r.WaitEnded(c.ID); end.Reason != events.EndMalformed {
				t.Fatalf("ended %+v", end)
			}
			<-c.Done()
			waitRequest(t, r, "/actions/hangup")
		})
	}
}

func TestOutboundCallAndSMS(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hi, calling you back."))
	id, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: 1, AssistantID: 1, From: number, To: caller})
	if err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	if c.ID != id {
		t.Fatalf("placed %s, created %s", c.ID, id)
	}
	telephonytest.WaitHeard(t, c.Phone, "Hi, calling you back.")
	cs := r.Events.Of(id, "call-started")[0].(events.CallStarted)
	if cs.Direction != telephony.Outbound || cs.From != number || cs.To != caller {
		t.Fatalf("started %+v", cs)
	}
	c.HangUp()
	r.WaitEnded(id)
	if _, err := r.gw.SendSMS(telephonytest.Ctx(t, 5*time.Second), telephony.SMS{OrganizationID: 1, AssistantID: 1, From: number, To: caller, Body: "See you."}); err != nil {
		t.Fatal(err)
	}
	if m := r.cloud.Messages(); len(m) != 1 || m[0]["text"] != "See you." || m[0]["from"] != number {
		t.Fatalf("messages %+v", m)
	}
}

// A stream that dies without closing leaves the call up at the carrier:
// the engine hangs it up through the API.
func TestLostStreamIsHungUp(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hello there."))
	c := dial(t, r)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	c.Drop()
	if end := r.WaitEnded(c.ID); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	waitRequest(t, r, "/actions/hangup")
	<-c.Done()
	if len(r.Logs.Find("carrier stream lost")) != 1 {
		t.Fatalf("not logged:\n%s", r.Logs.All())
	}
}
