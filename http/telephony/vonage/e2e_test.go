package vonage_test

import (
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
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage/vonagetest"
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
	cloud *vonagetest.Cloud
	gw    *vonage.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cloud, err := vonagetest.New(vonagetest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL, EventURL: vonage.PathEvent})
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Vonage: &telephony.VonageAccount{ApplicationID: cloud.ApplicationID(),
		PrivateKey: cloud.PrivateKey(), SignatureSecret: cloud.SignatureSecret()}})
	h.Dir.AddAssistant(1, edit)
	h.Dir.AddNumber(number, 1, true)
	gw, err := vonage.New(vonage.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func dial(t *testing.T, r *rig) *vonagetest.Call {
	t.Helper()
	c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), caller, number)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitRequest(t *testing.T, r *rig, suffix, action string) vonagetest.Request {
	t.Helper()
	var got vonagetest.Request
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, q := range r.cloud.Requests() {
			if strings.HasSuffix(q.Path, suffix) && (action == "" || q.Body["action"] == action) {
				got = q
				return nil
			}
		}
		return fmt.Errorf("no %s %s in %+v", suffix, action, r.cloud.Requests())
	})
	return got
}

// The line's format is PCM16 at 16 kHz end to end: the engine gets it as
// is, the caller hears the assistant through it.
func TestCallThroughVonage(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hello there."))
	c := dial(t, r)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	c.Say("what are your hours")
	telephonytest.WaitHeard(t, c.Phone, "You said: what are your hours")
	cs := r.Events.Of(c.UUID, "call-started")[0].(events.CallStarted)
	if cs.From != caller || cs.To != number || cs.Carrier != telephony.Vonage {
		t.Fatalf("started %+v", cs)
	}
	c.HangUp()
	if end := r.WaitEnded(c.UUID); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if st := r.Status.Of(c.UUID); len(st) != 1 || st[0].Status != telephony.StatusCompleted || st[0].From != caller {
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

func TestDTMFTransferAndHangUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.DTMFSolver.Enabled = true
		c.ToolsSettings.EndCall.Enabled = true
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{agent}}
	})
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		switch last := telephonytest.LastMessage(req); {
		case req.Messages[len(req.Messages)-1].Role == voice.RoleTool:
			return "Done.", nil
		case strings.Contains(last, "menu"):
			return "", []voice.ToolCall{{ID: "d1", Name: "send_dtmf", Arguments: `{"digits":"42#"}`}}
		case strings.Contains(last, "person"):
			return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{"destination":"` + agent + `"}`}}
		case strings.Contains(last, "bye"):
			return "", []voice.ToolCall{{ID: "e1", Name: "end_call", Arguments: `{}`}}
		}
		return "Got " + telephonytest.LastMessage(req), nil
	}
	c := dial(t, r)
	if err := c.Press("12"); err != nil {
		t.Fatal(err)
	}
	telephonytest.WaitHeard(t, c.Phone, "Got [keypad: 12]")
	c.Say("the menu please")
	if req := waitRequest(t, r, "/dtmf", ""); req.Body["digits"] != "42#" || !req.Authorized {
		t.Fatalf("dtmf %+v", req)
	}
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
	c.HangUp()

	c = dial(t, r)
	c.Say("bye now")
	<-c.Done()
	if end := r.WaitEnded(c.UUID); end.Reason != events.EndAssistantTool {
		t.Fatalf("ended %+v", end)
	}
	waitRequest(t, r, "/v1/calls/"+c.UUID, "hangup")
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
	answer := telephonytest.PublicURL + vonage.PathAnswer + "?to=15550001111&from=15557654321&uuid=u1"
	for _, secret := range []string{"", "wrong-secret"} {
		if status, _, _ := r.cloud.Get(ctx, answer, secret); status != http.StatusForbidden {
			t.Fatalf("answer signed with %q: %d", secret, status)
		}
	}
	ev, _ := json.Marshal(map[string]string{"uuid": "u1", "status": "completed"})
	if status, _, _ := r.cloud.PostJSON(ctx, telephonytest.PublicURL+vonage.PathEvent, ev, "wrong-secret"); status != http.StatusForbidden {
		t.Fatalf("event: %d", status)
	}
	for _, u := range []string{r.Public.WS(vonage.PathStream), r.Public.WS(vonage.PathStream) + "?t=forged.ticket"} {
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
	for name, tc := range map[string]struct {
		mt   int
		data []byte
	}{
		"odd PCM16":  {websocket.BinaryMessage, []byte{1, 2, 3}},
		"not JSON":   {websocket.TextMessage, []byte(`{"event":`)},
		"bad digits": {websocket.TextMessage, []byte(`{"event":"websocket:dtmf","digit":""}`)},
		"oversized":  {websocket.BinaryMessage, make([]byte, 64<<10)},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome("Hello there."))
			c := dial(t, r)
			telephonytest.WaitHeard(t, c.Phone, "Hello there.")
			_ = c.SendRaw(tc.mt, tc.data)
			if end := r.WaitEnded(c.UUID); end.Reason != events.EndMalformed {
				t.Fatalf("ended %+v", end)
			}
			<-c.Done()
			waitRequest(t, r, "/v1/calls/"+c.UUID, "hangup")
		})
	}
}

func TestOutboundCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hi, calling you back."))
	uuid, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: 1, AssistantID: 1, From: number, To: caller})
	if err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	if c.UUID != uuid {
		t.Fatalf("placed %s, created %s", c.UUID, uuid)
	}
	telephonytest.WaitHeard(t, c.Phone, "Hi, calling you back.")
	cs := r.Events.Of(uuid, "call-started")[0].(events.CallStarted)
	if cs.Direction != telephony.Outbound || cs.From != number || cs.To != caller {
		t.Fatalf("started %+v", cs)
	}
	c.HangUp()
	r.WaitEnded(uuid)
}
