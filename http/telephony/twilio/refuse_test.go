package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
)

// A caller on the bypass list goes straight to the first transfer number:
// no call reaches the engine.
func TestBypassCallerIsTransferredWithoutAI(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		c.BypassNumbers = []string{telephonytest.CallerNumber}
		transferTo("cold", false)(c)
	})
	c, _ := r.dial()
	tr, ok := c.Transferred()
	if !ok || tr.To != telephonytest.AgentNumber || tr.Warm {
		t.Fatalf("transfer %+v", tr)
	}
	if r.Events.Started() != 0 || c.Streams() != 0 {
		t.Fatal("a bypass caller reached the assistant")
	}
	c.HangUp()
}

func TestUnknownAndInactiveNumbersAreRefused(t *testing.T) {
	r := newRig(t, nil)
	r.Dir.AddNumber("+15550002222", 1, false)
	r.Dir.AddAssistant(2, func(c *assistant.Config) { c.IsActive = false })
	r.Dir.AddNumber("+15550003333", 2, true)
	for _, tc := range []struct{ to, said string }{
		{"+15559999999", telephony.RefusalUnknown},
		{"+15550002222", telephony.RefusalInactive},
		{"+15550003333", telephony.RefusalInactive},
	} {
		c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), telephonytest.CallerNumber, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		<-c.Done()
		if said := c.Said(); len(said) != 1 || said[0] != tc.said || c.Status() != "completed" || c.Streams() != 0 {
			t.Fatalf("%s: said %q, status %s, %d streams", tc.to, said, c.Status(), c.Streams())
		}
	}
	if r.Events.Started() != 0 {
		t.Fatal("a refused call started")
	}
}

// A call the engine cannot route (its database is away) is told so in
// TwiML and hung up, not answered with an HTTP error Twilio speaks as one.
func TestUnroutableCallHearsAnApology(t *testing.T) {
	r := newRig(t, nil)
	r.Dir.FailRoutes(errors.New("database unreachable"))
	c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), telephonytest.CallerNumber, telephonytest.Number)
	if err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	if said := c.Said(); len(said) != 1 || said[0] != telephony.RefusalUnavailable || c.Status() != "completed" || c.Streams() != 0 {
		t.Fatalf("said %q, status %s, %d streams, err %v", said, c.Status(), c.Streams(), c.Err())
	}
}

// Signatures over the public URL with its default port spelled out are
// accepted, on webhooks and the websocket upgrade alike.
func TestSignatureWithPortVariant(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting), func(c *twiliotest.Config) { c.SignWithPort = true })
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	r.HangUp(l)
}

// A request Twilio did not sign is a 403 and nothing else happens: no call,
// no ticket, no request to Twilio, no status recorded.
func TestBadSignaturesAreForbidden(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	form := url.Values{"CallSid": {"CA00000000000000000000000000000001"}, "AccountSid": {r.cloud.AccountSID()},
		"From": {telephonytest.CallerNumber}, "To": {telephonytest.Number}, "CallStatus": {"ringing"}, "Direction": {"inbound"}}
	for _, tc := range []struct{ path, token string }{
		{twilio.PathVoice, "wrong-token"}, {twilio.PathVoice, ""},
		{twilio.PathStatus, "wrong-token"}, {twilio.PathStatus, ""},
		{twilio.PathTransferResult + "?t=x", r.cloud.AuthToken()}, // signed, but a forged ticket
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if tc.token == "" {
			f.Set("ignored", "x") // posted without a signature header below
		}
		status, body, err := postUnsigned(ctx, r, tc.path, f, tc.token)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusForbidden || strings.Contains(string(body), "<Response>") {
			t.Fatalf("%s with token %q: %d %s", tc.path, tc.token, status, body)
		}
	}
	// Unknown numbers too: only Twilio may hear that nobody answers.
	f := url.Values{"CallSid": {"CA2"}, "AccountSid": {r.cloud.AccountSID()}, "From": {telephonytest.CallerNumber}, "To": {"+15559999999"}}
	if status, _, _ := r.cloud.Post(ctx, twilio.PathVoice, f, "wrong-token"); status != http.StatusForbidden {
		t.Fatalf("unknown number, bad signature: %d", status)
	}
	// The websocket upgrade: a wrong or missing signature is refused
	// before the upgrade.
	for _, tok := range []string{"wrong-token", ""} {
		r.CheckUpgradeForbidden("with token "+tok, func() (*websocket.Conn, *http.Response, error) {
			return r.cloud.Upgrade(ctx, r.Public.WS(twilio.PathStream), tok)
		})
	}
	r.CheckNothingHappened(len(r.cloud.Requests()))
}

// postUnsigned posts a webhook signed with token, or with no signature
// at all when token is empty.
func postUnsigned(ctx context.Context, r *rig, path string, f url.Values, token string) (int, []byte, error) {
	if token != "" {
		return r.cloud.Post(ctx, path, f, token)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.BaseURL()+path, strings.NewReader(f.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil, nil
}

// A signed upgrade whose start carries no valid ticket never becomes a
// call: a stream cannot be attached to an arbitrary call.
func TestStreamWithoutTicketIsRefused(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	for _, params := range []map[string]string{nil, {"ticket": "forged.ticket"}} {
		ws, resp, err := r.cloud.Upgrade(ctx, r.Public.WS(twilio.PathStream), r.cloud.AuthToken())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		start := `{"event":"start","sequenceNumber":"1","streamSid":"MZ0123456789abcdef0123456789abcdef","start":{` +
			`"streamSid":"MZ0123456789abcdef0123456789abcdef","accountSid":"` + r.cloud.AccountSID() +
			`","callSid":"CA1","tracks":["inbound"],"customParameters":` + jsonParams(params) +
			`,"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}`
		if err := ws.WriteMessage(websocket.TextMessage, []byte(start)); err != nil {
			t.Fatal(err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := ws.ReadMessage(); err == nil {
			t.Fatal("the engine spoke on a stream without a ticket")
		}
		ws.Close()
	}
	if r.Events.Started() != 0 {
		t.Fatal("a call started without a ticket")
	}
	if len(r.Logs.Find("media stream refused")) != 2 {
		t.Fatalf("refusals not logged:\n%s", r.Logs.All())
	}
}

func jsonParams(p map[string]string) string {
	if p == nil {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{")
	first := true
	for k, v := range p {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + k + `":"` + v + `"`)
	}
	return b.String() + "}"
}
