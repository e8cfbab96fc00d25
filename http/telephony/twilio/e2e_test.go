package twilio_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/voice"
)

type rig struct {
	*telephonytest.Harness
	cloud *twiliotest.Cloud
	gw    *twilio.Gateway
}

// newRig serves the Twilio gateway with assistant 1 on number, and a fake
// Twilio whose account is the organization's.
func newRig(t testing.TB, edit func(*assistant.Config), opts ...func(*twiliotest.Config)) *rig {
	t.Helper()
	h := telephonytest.New(t)
	cfg := twiliotest.Config{Engine: h.BaseURL(), Public: telephonytest.PublicURL, Pace: 20 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	cloud, err := twiliotest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Dir.SetCredentials(telephony.Credentials{Twilio: &telephony.TwilioAccount{AccountSID: cloud.AccountSID(), AuthToken: cloud.AuthToken()}})
	h.AddRoute(edit)
	gw, err := twilio.New(twilio.Config{Deps: h.Deps(), APIBaseURL: cloud.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(gw.Mount)
	t.Cleanup(cloud.Close)
	return &rig{Harness: h, cloud: cloud, gw: gw}
}

func TestCallGreetsAnswersAndCallerHangsUp(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	r.Converse(l)
	r.CallerHangsUp(l)
	tm := c.Phone.Timings()
	if len(tm.Replies) != 1 {
		t.Fatalf("reply timings %v", tm.Replies)
	}
	t.Logf("reply latency %v", tm.Replies[0])
}

// A long reply is interrupted: Twilio gets a clear, the assistant stops,
// and the interruption is timed.
func TestBargeInClearsTheAssistant(t *testing.T) {
	r := newRig(t, nil)
	r.LLM.Reply = telephonytest.BargeInScript
	c, l := r.dial()
	r.BargeIn(l)
	if len(r.Events.Of(c.SID, "interruption")) == 0 {
		t.Fatal("no interruption event")
	}
	if b := c.Phone.Timings().BargeIns; len(b) == 0 {
		t.Fatal("barge-in not timed")
	} else {
		t.Logf("barge-in to clear %v", b[0])
	}
	r.HangUp(l)
}

// Keys the caller presses reach the model; keys the model sends reach the
// other party as tones.
func TestDTMFBothWays(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.DTMFSolver.Enabled = true })
	r.LLM.Reply = telephonytest.ToolScript
	c, l := r.dial()
	r.PressAndAskForTones(l)
	if d := r.Events.Of(c.SID, "dtmf"); len(d) == 0 || d[0].(events.DTMF).Digits != "1" {
		t.Fatalf("dtmf events %v", d)
	}
	if err := c.Phone.Wait(telephonytest.Ctx(t, 15*time.Second), func(p *phone.Phone) bool { return p.Tones() == "42#" }); err != nil {
		t.Fatalf("tones heard %q", c.Phone.Tones())
	}
	r.HangUp(l)
}

func transferTo(kind string, confirm bool) func(*assistant.Config) {
	return func(c *assistant.Config) {
		unavailable := "Nobody is free right now."
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: kind,
			AgentConfirmation: confirm, TransferNumbers: []string{telephonytest.AgentNumber}, UnavailableMessage: &unavailable}
	}
}

func TestColdTransfer(t *testing.T) {
	r := newRig(t, transferTo("cold", false))
	r.LLM.Reply = telephonytest.ToolScript
	c, _ := r.dial()
	c.Say("a person please")
	end := r.WaitEnded(c.SID)
	if end.Reason != events.EndTransferred {
		t.Fatalf("ended %+v", end)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if tr, ok := c.Transferred(); !ok || tr.To != telephonytest.AgentNumber || tr.Warm {
			return fmt.Errorf("transfer %+v", tr)
		}
		return nil
	})
	reqs := r.cloud.Requests()
	if len(reqs) != 1 || !reqs[0].Authorized || !strings.Contains(reqs[0].Form.Get("Twiml"), "<Dial>"+telephonytest.AgentNumber+"</Dial>") {
		t.Fatalf("REST requests %+v", reqs)
	}
	c.HangUp()
}

func TestWarmTransferAccepted(t *testing.T) {
	r := newRig(t, transferTo("warm", true))
	r.LLM.Reply = telephonytest.ToolScript
	c, _ := r.dial()
	c.Say("a person please")
	r.WaitEnded(c.SID)
	testkit.Eventually(t, 10*time.Second, func() error {
		if tr, ok := c.Transferred(); !ok || !tr.Bridged {
			return fmt.Errorf("transfer %+v", tr)
		}
		return nil
	})
	tr, _ := c.Transferred()
	if !tr.Warm || tr.AgentKey != "1" || len(tr.AgentHeard) == 0 ||
		!strings.HasPrefix(tr.AgentHeard[0], "The caller wants a refund.") || !strings.Contains(tr.AgentHeard[0], "Press 1") {
		t.Fatalf("transfer %+v", tr)
	}
	c.HangUp()
}

// An agent who declines: the caller hears the unavailable message and is
// back with the assistant, which remembers the conversation.
func TestWarmTransferDeclinedComesBack(t *testing.T) {
	r := newRig(t, transferTo("warm", true), func(cfg *twiliotest.Config) {
		cfg.Agent = func(string) twiliotest.Agent { return twiliotest.Agent{Answer: true, Key: "2"} }
	})
	r.LLM.Reply = telephonytest.ToolScript
	c, _ := r.dial()
	c.Say("I want a refund")
	telephonytest.WaitHeard(t, c.Phone, "You said: I want a refund")
	c.Say("a person please")
	telephonytest.WaitHeard(t, c.Phone, "Nobody is free right now.")
	if err := c.Phone.Wait(telephonytest.Ctx(t, 10*time.Second), func(*phone.Phone) bool { return c.Streams() == 2 }); err != nil {
		t.Fatalf("%d streams", c.Streams())
	}
	c.Say("hello again")
	telephonytest.WaitHeard(t, c.Phone, "You said: hello again")
	reqs := r.LLM.Requests()
	lastReq := reqs[len(reqs)-1]
	var said []string
	for _, m := range lastReq.Messages {
		if m.Role == voice.RoleUser {
			said = append(said, m.Content)
		}
	}
	if len(said) < 3 || said[0] != "I want a refund" {
		t.Fatalf("the resumed conversation lost its history: %q", said)
	}
	tr, _ := c.Transferred()
	if tr.Bridged || tr.AgentKey != "2" || tr.Unavailable != "Nobody is free right now." {
		t.Fatalf("transfer %+v", tr)
	}
	c.HangUp()
	r.WaitEnded(c.SID)
}

// The assistant ends the call: Twilio is told to hang up.
func TestAssistantHangsUp(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) { c.ToolsSettings.EndCall.Enabled = true })
	r.LLM.Reply = telephonytest.ToolScript
	_, l := r.dial()
	r.AssistantHangsUp(l)
	r.waitHungUp()
}

func (r *rig) dial() (*twiliotest.Call, telephonytest.Call) {
	c := telephonytest.Dial(r.Harness, r.cloud.Dial)
	return c, line(c)
}

func line(c *twiliotest.Call) telephonytest.Call {
	return telephonytest.Call{ID: c.SID, Phone: c.Phone, Caller: c}
}

// waitHungUp waits until the engine's only API request was to hang up.
func (r *rig) waitHungUp() {
	r.T.Helper()
	testkit.Eventually(r.T, 10*time.Second, func() error {
		if reqs := r.cloud.Requests(); len(reqs) != 1 || reqs[0].Form.Get("Status") != "completed" {
			return fmt.Errorf("REST requests %+v", reqs)
		}
		return nil
	})
}

// The recording-consent gate over a real Media Streams socket: the caller
// hears the question, what they say before answering is not heard, the
// key (a Twilio dtmf frame) opens the call, and the conversation goes on.
func TestConsentGate(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		telephonytest.Welcome(telephonytest.Greeting)(c)
		msg := "This call is recorded. Press 1 to agree."
		c.RecordingSettings.ConsentRequired, c.RecordingSettings.ConsentMessage = true, &msg
	})
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, "This call is recorded. Press 1 to agree.")
	l.Say("hello hello")
	testkit.Eventually(t, 10*time.Second, func() error { // every frame of it sent before the key
		if c.Phone.Speaking() {
			return fmt.Errorf("still speaking")
		}
		return nil
	})
	if err := l.Caller.Press("1"); err != nil {
		t.Fatal(err)
	}
	r.Converse(l)
	if strings.Contains(c.Phone.Transcript(), "You said: hello hello") {
		t.Fatalf("words said before consent were answered: %q", c.Phone.Transcript())
	}
	consent := r.Events.Of(c.SID, "consent")
	if len(consent) != 1 || consent[0].(events.Consent).Decision != "agreed" {
		t.Fatalf("consent events %v", consent)
	}
	r.CallerHangsUp(l)
}
