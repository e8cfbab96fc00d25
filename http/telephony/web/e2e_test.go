package web_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/web"
	"github.com/switchboard-voice/switchboard/http/telephony/web/webtest"
)

type rig struct {
	*telephonytest.Harness
	gw *web.Gateway
}

func newRig(t *testing.T, edit func(*assistant.Config), origins ...string) *rig {
	t.Helper()
	h := telephonytest.New(t)
	h.Dir.AddAssistant(1, edit)
	gw, err := web.New(web.Config{Deps: h.Deps(), Origins: origins})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	return &rig{Harness: h, gw: gw}
}

func (r *rig) call(t *testing.T) (*webtest.Client, web.Token) {
	t.Helper()
	tok, err := r.gw.Issue(telephonytest.Ctx(t, 5*time.Second), telephonytest.OrgID, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := webtest.Dial(telephonytest.Ctx(t, 5*time.Second), r.BaseURL(), tok.URL, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.HangUp)
	return c, tok
}

func line(c *webtest.Client, tok web.Token) telephonytest.Call {
	return telephonytest.Call{ID: tok.CallID, Phone: c.Phone, Caller: c}
}

func TestWebCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, tok := r.call(t)
	r.Converse(line(c, tok))
	if c.CallID() != tok.CallID || !strings.HasPrefix(tok.URL, "wss://switchboard.test/telephony/web/stream?token=") {
		t.Fatalf("call id %q, token %+v", c.CallID(), tok)
	}
	r.CallerHangsUp(line(c, tok))
	cs := r.Events.Of(tok.CallID, "call-started")[0].(events.CallStarted)
	if cs.Carrier != telephony.Web || cs.AssistantID != 1 {
		t.Fatalf("started %+v", cs)
	}
}

func TestBargeInClears(t *testing.T) {
	r := newRig(t, nil)
	r.LLM.Reply = telephonytest.BargeInScript
	l := line(r.call(t))
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
	c, tok := r.call(t)
	r.PressAndAskForTones(line(c, tok))
	if err := c.Phone.Wait(telephonytest.Ctx(t, 10*time.Second), func(*phone.Phone) bool { return len(c.DTMF()) == 1 }); err != nil || c.DTMF()[0] != "42#" {
		t.Fatalf("dtmf %v", c.DTMF())
	}
	c.Say("a person please")
	<-c.Done()
	if end := r.WaitEnded(tok.CallID); end.Reason != events.EndTransferred || c.TransferredTo() != telephonytest.AgentNumber ||
		c.Ended() != events.EndTransferred {
		t.Fatalf("ended %+v, transfer %q, told %q", end, c.TransferredTo(), c.Ended())
	}

	c, tok = r.call(t)
	r.AssistantHangsUp(line(c, tok))
	if c.Ended() != events.EndAssistantTool {
		t.Fatalf("told %q", c.Ended())
	}
}

// Tokens: forged, reused or expired ones get no call; an inactive or
// unknown assistant gets no token; a foreign origin is refused.
func TestTokens(t *testing.T) {
	r := newRig(t, nil, "https://app.example")
	ctx := telephonytest.Ctx(t, 10*time.Second)
	tok, err := r.gw.Issue(ctx, telephonytest.OrgID, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		r.Public.WS(web.PathStream) + "?token=forged.token", r.Public.WS(web.PathStream), tok.URL, // tok.URL: no Origin header
	} {
		if _, resp, err := webtest.Dial(ctx, r.BaseURL(), u, 20*time.Millisecond); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: %v %v", u, resp, err)
		}
	}
	if _, err := r.gw.Issue(ctx, telephonytest.OrgID, 99); !errors.Is(err, telephony.ErrUnknownNumber) {
		t.Fatalf("unknown assistant: %v", err)
	}
	if _, err := r.gw.Issue(ctx, 2, 1); !errors.Is(err, telephony.ErrUnknownNumber) {
		t.Fatalf("another organization's assistant: %v", err)
	}
	r.Dir.AddAssistant(3, func(c *assistant.Config) { c.IsActive = false })
	if _, err := r.gw.Issue(ctx, telephonytest.OrgID, 3); !errors.Is(err, telephony.ErrInactive) {
		t.Fatalf("inactive assistant: %v", err)
	}
}

func TestTokenIsUsedOnce(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, tok := r.call(t)
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	again, _, err := webtest.Dial(telephonytest.Ctx(t, 5*time.Second), r.BaseURL(), tok.URL, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	<-again.Done() // closed without a call
	if again.CallID() != "" || r.Events.Started() != 1 || len(r.Logs.Find("web call refused", "already used")) != 1 {
		t.Fatalf("a reused token: call %q, %d started", again.CallID(), r.Events.Started())
	}
	r.HangUp(line(c, tok))
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, f := range map[string]telephonytest.Frame{
		"odd PCM16":  telephonytest.Binary([]byte{1, 2, 3}),
		"not JSON":   telephonytest.Text(`{"type":`),
		"bad digits": telephonytest.Text(`{"type":"dtmf","digits":"1x"}`),
		"oversized":  telephonytest.Binary(make([]byte, 64<<10)),
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
			r.SendMalformed(line(r.call(t)), f)
		})
	}
}

// Carrier and browser sockets never negotiate compression, so the read
// limit bounds what a frame can inflate to (docs/reference/go-stack.md §2.1).
func TestNoCompression(t *testing.T) {
	r := newRig(t, nil)
	tok, err := r.gw.Issue(telephonytest.Ctx(t, 5*time.Second), telephonytest.OrgID, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := websocket.Dialer{EnableCompression: true}
	ws, resp, err := d.DialContext(telephonytest.Ctx(t, 5*time.Second),
		"ws://"+r.Addr+web.PathStream+"?token="+strings.SplitN(tok.URL, "token=", 2)[1], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Fatalf("negotiated %q", ext)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"hangup"}`))
	r.WaitEnded(tok.CallID)
}
