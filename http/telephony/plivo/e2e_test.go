package plivo_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/plivo"
	"github.com/switchboard-voice/switchboard/http/telephony/plivo/plivotest"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
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
	cloud *plivotest.Cloud
	gw    *plivo.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cloud, err := plivotest.New(plivotest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL, HangupURL: plivo.PathStatus})
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Plivo: &telephony.PlivoAccount{AuthID: cloud.AuthID(), AuthToken: cloud.AuthToken()}})
	h.Dir.AddAssistant(1, edit)
	h.Dir.AddNumber(number, 1, true)
	gw, err := plivo.New(plivo.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func dial(t *testing.T, r *rig) *plivotest.Call {
	t.Helper()
	c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), caller, number)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitRequest(t *testing.T, r *rig, method, suffix string) plivotest.Request {
	t.Helper()
	var got plivotest.Request
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, q := range r.cloud.Requests() {
			if q.Method == method && strings.HasSuffix(q.Path, suffix) {
				got = q
				return nil
			}
		}
		return fmt.Errorf("no %s %s in %+v", method, suffix, r.cloud.Requests())
	})
	return got
}

func TestCallThroughPlivo(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hello there."))
	c := dial(t, r)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	c.Say("what are your hours")
	telephonytest.WaitHeard(t, c.Phone, "You said: what are your hours")
	c.HangUp()
	if end := r.WaitEnded(c.UUID); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if st := r.Status.Of(c.UUID); len(st) != 1 || st[0].Status != telephony.StatusCompleted || st[0].Direction != telephony.Inbound {
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
	r.WaitEnded(c.UUID)
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
	if req := waitRequest(t, r, http.MethodPost, "/DTMF/"); req.Body["digits"] != "42#" {
		t.Fatalf("DTMF %+v", req.Body)
	}
	c.HangUp()
	r.WaitEnded(c.UUID)
}

func TestTransferAndHangUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{agent}}
		c.ToolsSettings.EndCall.Enabled = true
	})
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if strings.Contains(telephonytest.LastMessage(req), "bye") {
			return "", []voice.ToolCall{{ID: "e1", Name: "end_call", Arguments: `{}`}}
		}
		return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{"destination":"` + agent + `"}`}}
	}
	c := dial(t, r)
	c.Say("a person please")
	if end := r.WaitEnded(c.UUID); end.Reason != events.EndTransferred {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if c.TransferredTo() != agent {
			return fmt.Errorf("transferred to %q", c.TransferredTo())
		}
		return nil
	})
	if req := waitRequest(t, r, http.MethodPost, "/Call/"+c.UUID+"/"); req.Body["legs"] != "aleg" || !req.Authorized {
		t.Fatalf("transfer %+v", req)
	}
	c.HangUp()

	c = dial(t, r)
	c.Say("bye now")
	<-c.Done()
	if end := r.WaitEnded(c.UUID); end.Reason != events.EndAssistantTool {
		t.Fatalf("ended %+v", end)
	}
	waitRequest(t, r, http.MethodDelete, "/Call/"+c.UUID+"/")
}

func TestBypassAndRefusals(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.BypassNumbers = []string{caller}
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{TransferNumbers: []string{agent}}
	})
	c := dial(t, r)
	if c.TransferredTo() != agent || c.Streams() != 0 {
		t.Fatalf("bypass: %q, %d streams", c.TransferredTo(), c.Streams())
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
		if said := c.Said(); len(said) != 1 || said[0] != tc.said {
			t.Fatalf("%s: said %q", tc.to, said)
		}
	}
	if r.Events.Started() != 0 {
		t.Fatal("a call reached the assistant")
	}
}

func TestBadSignaturesAreForbidden(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	form := url.Values{"CallUUID": {"u1"}, "From": {caller}, "To": {number}, "CallStatus": {"ringing"}, "Direction": {"inbound"}}
	for _, path := range []string{plivo.PathAnswer, plivo.PathStatus, plivo.PathTransfer + "?t=x&to=%2B1"} {
		for _, tok := range []string{"wrong-token", ""} {
			if status, body, err := r.cloud.Post(ctx, telephonytest.PublicURL+path, form, tok); err != nil || status != http.StatusForbidden {
				t.Fatalf("%s with %q: %d %s %v", path, tok, status, body, err)
			}
		}
	}
	for _, u := range []string{r.Public.WS(plivo.PathStream), r.Public.WS(plivo.PathStream) + "?t=forged.ticket"} {
		ws, resp, err := r.cloud.Upgrade(ctx, u)
		if err == nil {
			ws.Close()
			t.Fatalf("upgrade %s accepted", u)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("upgrade %s: %v", u, err)
		}
		resp.Body.Close()
	}
	if r.Events.Started() != 0 || len(r.cloud.Requests()) != 0 || len(r.Status.All()) != 0 {
		t.Fatal("something happened after a forbidden request")
	}
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, raw := range map[string]string{
		"not JSON":  `{"event":"media","media":`,
		"bad dtmf":  `{"event":"dtmf","dtmf":{"digit":"12"}}`,
		"oversized": `{"event":"media","media":{"payload":"` + strings.Repeat("A", 64<<10) + `"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome("Hello there."))
			c := dial(t, r)
			telephonytest.WaitHeard(t, c.Phone, "Hello there.")
			_ = c.SendRaw(websocket.TextMessage, []byte(raw))
			if end := r.WaitEnded(c.UUID); end.Reason != events.EndMalformed {
				t.Fatalf("ended %+v", end)
			}
			<-c.Done()
			waitRequest(t, r, http.MethodDelete, "/Call/"+c.UUID+"/")
		})
	}
}

func TestOutboundCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hi, calling you back."))
	if _, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: 1, AssistantID: 1, From: number, To: caller}); err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	telephonytest.WaitHeard(t, c.Phone, "Hi, calling you back.")
	cs := r.Events.Of(c.UUID, "call-started")[0].(events.CallStarted)
	if cs.Direction != telephony.Outbound || cs.From != number || cs.To != caller {
		t.Fatalf("started %+v", cs)
	}
	c.HangUp()
	r.WaitEnded(c.UUID)
}
