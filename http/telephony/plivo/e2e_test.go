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
)

type rig struct {
	*telephonytest.Harness
	cloud *plivotest.Cloud
	gw    *plivo.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config), opts ...func(*plivotest.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cfg := plivotest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL, HangupURL: plivo.PathStatus}
	for _, o := range opts {
		o(&cfg)
	}
	cloud, err := plivotest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Plivo: &telephony.PlivoAccount{AuthID: cloud.AuthID(), AuthToken: cloud.AuthToken()}})
	h.AddRoute(edit)
	gw, err := plivo.New(plivo.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func (r *rig) dial() (*plivotest.Call, telephonytest.Call) {
	c := telephonytest.Dial(r.Harness, r.cloud.Dial)
	return c, line(c)
}

func line(c *plivotest.Call) telephonytest.Call {
	return telephonytest.Call{ID: c.UUID, Phone: c.Phone, Caller: c}
}

func (r *rig) waitRequest(method, suffix string) plivotest.Request {
	return telephonytest.WaitRequest(r.Harness, r.cloud.Requests, method+" "+suffix, func(q plivotest.Request) bool {
		return q.Method == method && strings.HasSuffix(q.Path, suffix)
	})
}

func TestCallThroughPlivo(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	r.Converse(l)
	r.CallerHangsUp(l)
	r.WaitStatuses(c.UUID, func(st []telephony.CallStatus) bool {
		return len(st) == 1 && st[0].Status == telephony.StatusCompleted && st[0].Direction == telephony.Inbound
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
	if req := r.waitRequest(http.MethodPost, "/DTMF/"); req.Body["digits"] != "42#" {
		t.Fatalf("DTMF %+v", req.Body)
	}
	r.HangUp(l)
}

func TestTransferAndHangUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "cold", TransferNumbers: []string{telephonytest.AgentNumber}}
		c.ToolsSettings.EndCall.Enabled = true
	})
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.dial()
	c.Say("a person please")
	r.EndedBy(l, events.EndTransferred)
	testkit.Eventually(t, 10*time.Second, func() error {
		if c.TransferredTo() != telephonytest.AgentNumber {
			return fmt.Errorf("transferred to %q", c.TransferredTo())
		}
		return nil
	})
	if req := r.waitRequest(http.MethodPost, "/Call/"+c.UUID+"/"); req.Body["legs"] != "aleg" || !req.Authorized {
		t.Fatalf("transfer %+v", req)
	}
	c.HangUp()

	c, l = r.dial()
	r.AssistantHangsUp(l)
	r.waitRequest(http.MethodDelete, "/Call/"+c.UUID+"/")
}

func TestBypassAndRefusals(t *testing.T) {
	r := newRig(t, telephonytest.Bypass)
	telephonytest.CheckBypassAndRefusals(r.Harness, r.cloud.Dial)
}

func TestBadSignaturesAreForbidden(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	form := url.Values{"CallUUID": {"u1"}, "From": {telephonytest.CallerNumber}, "To": {telephonytest.Number}, "CallStatus": {"ringing"}, "Direction": {"inbound"}}
	for _, path := range []string{plivo.PathAnswer, plivo.PathStatus, plivo.PathTransfer + "?t=x&to=%2B1"} {
		for _, tok := range []string{"wrong-token", ""} {
			if status, body, err := r.cloud.Post(ctx, telephonytest.PublicURL+path, form, tok); err != nil || status != http.StatusForbidden {
				t.Fatalf("%s with %q: %d %s %v", path, tok, status, body, err)
			}
		}
	}
	for _, u := range []string{r.Public.WS(plivo.PathStream), r.Public.WS(plivo.PathStream) + "?t=forged.ticket"} {
		r.CheckUpgradeForbidden(u, func() (*websocket.Conn, *http.Response, error) { return r.cloud.Upgrade(ctx, u) })
	}
	r.CheckNothingHappened(len(r.cloud.Requests()))
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, f := range map[string]telephonytest.Frame{
		"not JSON":  telephonytest.Text(`{"event":"media","media":`),
		"bad dtmf":  telephonytest.Text(`{"event":"dtmf","dtmf":{"digit":"12"}}`),
		"oversized": telephonytest.Text(`{"event":"media","media":{"payload":"` + strings.Repeat("A", 64<<10) + `"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
			c, l := r.dial()
			r.SendMalformed(l, f)
			r.waitRequest(http.MethodDelete, "/Call/"+c.UUID+"/")
		})
	}
}

func TestOutboundCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.CallBackGreeting))
	_, c := telephonytest.Place(r.Harness, r.gw, r.cloud.Placed())
	r.AnswerOutbound(line(c))
}

// An outbound call with Plivo's machine detection asked for: a callee that
// says nothing would pass for a person after the silence, but Plivo says
// a machine answered first; the message is left at the beep.
func TestOutboundCarrierDetection(t *testing.T) {
	r := newRig(t, telephonytest.LeaveVoicemail, func(cfg *plivotest.Config) { cfg.Machine = func(string) bool { return true } })
	if _, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: telephonytest.OrgID, AssistantID: 1,
		From: telephonytest.Number, To: telephonytest.CallerNumber}); err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	sid := c.UUID
	r.CarrierSaysMachine(sid, c.Phone)
	if create := r.cloud.Requests()[0].Body; create["machine_detection"] != "true" ||
		create["machine_detection_url"] != r.Public.HTTP(plivo.PathMachine) {
		t.Fatalf("create %v", create)
	}
}
