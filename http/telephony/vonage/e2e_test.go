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
)

type rig struct {
	*telephonytest.Harness
	cloud *vonagetest.Cloud
	gw    *vonage.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config), opts ...func(*vonagetest.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cfg := vonagetest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL, EventURL: vonage.PathEvent}
	for _, o := range opts {
		o(&cfg)
	}
	cloud, err := vonagetest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Vonage: &telephony.VonageAccount{ApplicationID: cloud.ApplicationID(),
		PrivateKey: cloud.PrivateKey(), SignatureSecret: cloud.SignatureSecret()}})
	h.AddRoute(edit)
	gw, err := vonage.New(vonage.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func (r *rig) dial() (*vonagetest.Call, telephonytest.Call) {
	c := telephonytest.Dial(r.Harness, r.cloud.Dial)
	return c, line(c)
}

func line(c *vonagetest.Call) telephonytest.Call {
	return telephonytest.Call{ID: c.UUID, Phone: c.Phone, Caller: c}
}

// waitRequest waits for an API request to a path ending in suffix, with
// an action if not "".
func (r *rig) waitRequest(suffix, action string) vonagetest.Request {
	return telephonytest.WaitRequest(r.Harness, r.cloud.Requests, suffix+" "+action, func(q vonagetest.Request) bool {
		return strings.HasSuffix(q.Path, suffix) && (action == "" || q.Body["action"] == action)
	})
}

// The line's format is PCM16 at 16 kHz end to end: the engine gets it as
// is, the caller hears the assistant through it.
func TestCallThroughVonage(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	r.Converse(l)
	cs := r.Events.Of(c.UUID, "call-started")[0].(events.CallStarted)
	if cs.From != telephonytest.CallerNumber || cs.To != telephonytest.Number || cs.Carrier != telephony.Vonage {
		t.Fatalf("started %+v", cs)
	}
	r.CallerHangsUp(l)
	r.WaitStatuses(c.UUID, func(st []telephony.CallStatus) bool {
		return len(st) == 1 && st[0].Status == telephony.StatusCompleted && st[0].From == telephonytest.CallerNumber
	})
}

func TestBargeInClears(t *testing.T) {
	r := newRig(t, nil)
	r.LLM.Reply = telephonytest.BargeInScript
	_, l := r.dial()
	r.BargeIn(l)
	r.HangUp(l)
}

func TestDTMFTransferAndHangUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.DTMFSolver.Enabled = true
		c.ToolsSettings.EndCall.Enabled = true
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{telephonytest.AgentNumber}}
	})
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.dial()
	r.PressAndAskForTones(l)
	if req := r.waitRequest("/dtmf", ""); req.Body["digits"] != "42#" || !req.Authorized {
		t.Fatalf("dtmf %+v", req)
	}
	c.Say("a person please")
	r.EndedBy(l, events.EndTransferred)
	testkit.Eventually(t, 10*time.Second, func() error {
		if c.TransferredTo() != telephonytest.AgentNumber {
			return fmt.Errorf("transferred to %q", c.TransferredTo())
		}
		return nil
	})
	c.HangUp()

	c, l = r.dial()
	r.AssistantHangsUp(l)
	r.waitRequest("/v1/calls/"+c.UUID, "hangup")
}

func TestBypassAndRefusals(t *testing.T) {
	r := newRig(t, telephonytest.Bypass)
	telephonytest.CheckBypassAndRefusals(r.Harness, r.cloud.Dial)
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
		r.CheckUpgradeForbidden(u, func() (*websocket.Conn, *http.Response, error) { return r.cloud.Upgrade(ctx, u) })
	}
	r.CheckNothingHappened(len(r.cloud.Requests()))
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, f := range map[string]telephonytest.Frame{
		"odd PCM16":  telephonytest.Binary([]byte{1, 2, 3}),
		"not JSON":   telephonytest.Text(`{"event":`),
		"bad digits": telephonytest.Text(`{"event":"websocket:dtmf","digit":""}`),
		"oversized":  telephonytest.Binary(make([]byte, 64<<10)),
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
			c, l := r.dial()
			r.SendMalformed(l, f)
			r.waitRequest("/v1/calls/"+c.UUID, "hangup")
		})
	}
}

func TestOutboundCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.CallBackGreeting))
	uuid, c := telephonytest.Place(r.Harness, r.gw, r.cloud.Placed())
	if c.UUID != uuid {
		t.Fatalf("placed %s, created %s", c.UUID, uuid)
	}
	r.AnswerOutbound(line(c))
}

// An outbound call with Vonage's machine detection asked for: a callee
// that says nothing would pass for a person after the silence, but Vonage
// says a machine answered first; the message is left at the beep.
func TestOutboundCarrierDetection(t *testing.T) {
	r := newRig(t, telephonytest.LeaveVoicemail, func(cfg *vonagetest.Config) { cfg.AnsweredBy = func(string) string { return "machine" } })
	sid, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID, AssistantID: 1,
		From: telephonytest.Number, To: telephonytest.CallerNumber})
	if err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	r.CarrierSaysMachine(sid, c.Phone)
	if create := r.cloud.Requests()[0].Body; create["machine_detection"] != "continue" {
		t.Fatalf("create %v", create)
	}
}
