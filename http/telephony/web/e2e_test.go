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
	"github.com/switchboard-voice/switchboard/voice"
)

const agent = "+18005550100"

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

func TestWebCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hello there."))
	c, tok := r.call(t)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	if c.CallID() != tok.CallID || !strings.HasPrefix(tok.URL, "wss://switchboard.test/telephony/web/stream?token=") {
		t.Fatalf("call id %q, token %+v", c.CallID(), tok)
	}
	c.Say("what are your hours")
	telephonytest.WaitHeard(t, c.Phone, "You said: what are your hours")
	c.HangUp()
	if end := r.WaitEnded(tok.CallID); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	cs := r.Events.Of(tok.CallID, "call-started")[0].(events.CallStarted)
	if cs.Carrier != telephony.Web || cs.AssistantID != 1 {
		t.Fatalf("started %+v", cs)
	}
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
	c, tok := r.call(t)
	c.Say("help")
	telephonytest.WaitHeard(t, c.Phone, "I can help")
	c.Say("stop right there please")
	telephonytest.WaitHeard(t, c.Phone, "Sure.")
	if c.Phone.Clears() == 0 || strings.Contains(c.Phone.Transcript(), "tell me") {
		t.Fatalf("%d clears, heard %q", c.Phone.Clears(), c.Phone.Transcript())
	}
	c.HangUp()
	r.WaitEnded(tok.CallID)
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
			return "Goodbye.", []voice.ToolCall{{ID: "e1", Name: "end_call", Arguments: `{}`}}
		}
		return "Got " + telephonytest.LastMessage(req), nil
	}
	c, tok := r.call(t)
	if err := c.Press("12"); err != nil {
		t.Fatal(err)
	}
	telephonytest.WaitHeard(t, c.Phone, "Got [keypad: 12]")
	c.Say("the menu please")
	if err := c.Phone.Wait(telephonytest.Ctx(t, 10*time.Second), func(*phone.Phone) bool { return len(c.DTMF()) == 1 }); err != nil || c.DTMF()[0] != "42#" {
		t.Fatalf("dtmf %v", c.DTMF())
	}
	c.Say("a person please")
	<-c.Done()
	if end := r.WaitEnded(tok.CallID); end.Reason != events.EndTransferred || c.TransferredTo() != agent ||
		c.Ended() != events.EndTransferred {
		t.Fatalf("ended %+v, transfer %q, told %q", end, c.TransferredTo(), c.Ended())
	}

	c, tok = r.call(t)
	c.Say("bye now")
	<-c.Done()
	if end := r.WaitEnded(tok.CallID); end.Reason != events.EndAssistantTool || c.Ended() != events.EndAssistantTool {
		t.Fatalf("ended %+v, told %q", end, c.Ended())
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
	r := newRig(t, telephonytest.Welcome("Hello there."))
	c, tok := r.call(t)
	telephonytest.WaitHeard(t, c.Phone, "Hello there.")
	again, _, err := webtest.Dial(telephonytest.Ctx(t, 5*time.Second), r.BaseURL(), tok.URL, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	<-again.Done() // closed without a call
	if again.CallID() != "" || r.Events.Started() != 1 || len(r.Logs.Find("web call refused", "already used")) != 1 {
		t.Fatalf("a reused token: call %q, %d started", again.CallID(), r.Events.Started())
	}
	c.HangUp()
	r.WaitEnded(tok.CallID)
}

func TestBadFramesEndTheCall(t *testing.T) {
	for name, tc := range map[string]struct {
		mt   int
		data []byte
	}{
		"odd PCM16":  {websocket.BinaryMessage, []byte{1, 2, 3}},
		"not JSON":   {websocket.TextMessage, []byte(`{"type":`)},
		"bad digits": {websocket.TextMessage, []byte(`{"type":"dtmf","digits":"1x"}`)},
		"oversized":  {websocket.BinaryMessage, make([]byte, 64<<10)},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome("Hello there."))
			c, tok := r.call(t)
			telephonytest.WaitHeard(t, c.Phone, "Hello there.")
			_ = c.SendRaw(tc.mt, tc.data)
			if end := r.WaitEnded(tok.CallID); end.Reason != events.EndMalformed {
				t.Fatalf("ended %+v", end)
			}
			<-c.Done()
		})
	}
}

// Carrier and browser sockets never negotiate compression, so the read
// limit bounds what a frame can inflate to (go-stack §2.1).
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
