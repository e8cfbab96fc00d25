package twilio_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// A malformed or oversized frame ends that call cleanly: a logged reason,
// the call hung up through the API, the socket closed; never a panic.
func TestBadFramesEndTheCall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame telephonytest.Frame
		log   string
	}{
		{"not JSON", telephonytest.Text(`{"event":"media","media":{"payload":`), "malformed carrier frame"},
		{"binary", telephonytest.Binary([]byte{1, 2, 3}), "malformed carrier frame"},
		{"bad base64", telephonytest.Text(`{"event":"media","media":{"track":"inbound","payload":"!!!"}}`), "malformed carrier frame"},
		{"oversized", telephonytest.Text(`{"event":"media","media":{"payload":"` + strings.Repeat("A", 64<<10) + `"}}`), "carrier frame too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
			c, l := r.dial()
			r.SendMalformed(l, tc.frame)
			if len(r.Logs.Find(tc.log, "call_sid="+c.SID)) == 0 {
				t.Fatalf("no %q logged:\n%s", tc.log, r.Logs.All())
			}
			r.waitHungUp()
		})
	}
}

// The engine places a call: Twilio creates it, requests the voice webhook
// with the assistant's ticket when answered, and the assistant speaks.
func TestOutboundCall(t *testing.T) {
	r := newRig(t, telephonytest.Welcome("Hi, this is the assistant calling."))
	sid, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: 1, AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber})
	if err != nil {
		t.Fatal(err)
	}
	var c = <-r.cloud.Placed()
	if c.SID != sid || c.Direction != "outbound-api" {
		t.Fatalf("placed %s %s, created %s", c.SID, c.Direction, sid)
	}
	telephonytest.WaitHeard(t, c.Phone, "Hi, this is the assistant calling.")
	started := r.Events.Of(sid, "call-started")
	if cs := started[0].(events.CallStarted); cs.Direction != telephony.Outbound || cs.From != telephonytest.Number || cs.To != telephonytest.CallerNumber {
		t.Fatalf("started %+v", cs)
	}
	create := r.cloud.Requests()[0]
	if !strings.HasPrefix(create.Form.Get("Url"), r.Public.HTTP(twilio.PathVoice)+"?t=") ||
		len(create.Form["StatusCallbackEvent"]) != 4 {
		t.Fatalf("create %+v", create.Form)
	}
	c.HangUp()
	r.WaitEnded(sid)
	// Status callbacks, signed by Twilio, are recorded.
	testkit.Eventually(t, 10*time.Second, func() error {
		st := r.Status.Of(sid)
		if len(st) != 4 || st[3].Status != telephony.StatusCompleted || st[3].Direction != telephony.Outbound ||
			st[3].OrganizationID != 1 {
			return fmt.Errorf("statuses %+v", st)
		}
		return nil
	})
}

func TestSendSMS(t *testing.T) {
	r := newRig(t, nil)
	ctx := telephonytest.Ctx(t, 10*time.Second)
	if _, err := r.gw.SendSMS(ctx, telephony.SMS{OrganizationID: 1, AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber, Body: "Your code is 1234."}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.gw.SendSMS(ctx, telephony.SMS{OrganizationID: 1, AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber, Body: "Via the service.",
		MessagingServiceSID: "MG0123"}); err != nil {
		t.Fatal(err)
	}
	m := r.cloud.Messages()
	if len(m) != 2 || m[0].From != telephonytest.Number || m[0].Body != "Your code is 1234." || m[1].From != "" || m[1].MessagingServiceSID != "MG0123" {
		t.Fatalf("messages %+v", m)
	}
	// Wrong credentials are the API's error, not a silent success.
	r.Dir.SetCredentials(telephony.Credentials{Twilio: &telephony.TwilioAccount{AccountSID: r.cloud.AccountSID(), AuthToken: "stale"}})
	_, err := r.gw.SendSMS(ctx, telephony.SMS{OrganizationID: 1, AssistantID: 1, From: telephonytest.Number, To: telephonytest.CallerNumber, Body: "x"})
	if apiErr, ok := err.(*twilio.APIError); !ok || apiErr.Status != 401 {
		t.Fatalf("err %v", err)
	}
}

// Closing the hub (shutdown) ends live calls: hung up through the API.
func TestShutdownEndsLiveCalls(t *testing.T) {
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	c, l := r.dial()
	telephonytest.WaitHeard(t, c.Phone, telephonytest.Greeting)
	if err := r.Hub.Close(telephonytest.Ctx(t, 20*time.Second)); err != nil {
		t.Fatal(err)
	}
	r.EndedBy(l, events.EndShutdown)
	<-c.Done()
	r.waitHungUp()
}

// An outbound call to an answering machine, with Twilio's detection asked
// for as well: the greeting plays out, the beep is heard in the audio, and
// the voicemail message is left before the call ends; the call rang for
// the assistant's ringing timeout.
func TestOutboundVoicemail(t *testing.T) {
	r := newRig(t, func(c *assistant.Config) {
		welcome, msg := "Hi, this is the bike shop.", "Your bike is ready for pick-up, see you soon."
		c.LLMSettings.WelcomeMessage = &welcome
		c.CallFlowSettings.RingingTimeoutSeconds = 25
		c.VoicemailSettings = assistant.VoicemailSettings{Detection: "outbound", Message: &msg, CarrierDetection: true}
	}, func(cfg *twiliotest.Config) { cfg.AnsweredBy = func(string) string { return "machine_start" } })
	sid, err := r.gw.Place(telephonytest.Ctx(t, 10*time.Second), telephony.Dial{OrganizationID: 1, AssistantID: 1,
		From: telephonytest.Number, To: telephonytest.CallerNumber})
	if err != nil {
		t.Fatal(err)
	}
	c := <-r.cloud.Placed()
	c.Phone.Say("hi this is sam please leave a message after the tone")
	c.Phone.Sound(fakespeech.Beep(400*time.Millisecond, 1000))
	telephonytest.WaitHeard(t, c.Phone, "Your bike is ready for pick-up, see you soon.")
	r.WaitEnded(sid)
	if end := r.Events.Of(sid, "call-ended"); end[0].(events.CallEnded).Reason != events.EndVoicemail {
		t.Fatalf("ended %+v", end)
	}
	if a := r.Events.Of(sid, "answered-by"); len(a) != 1 || a[0].(events.AnsweredBy).Who != "machine" {
		t.Fatalf("answered-by %v", a)
	}
	if strings.Contains(c.Phone.Transcript(), "bike shop") {
		t.Fatalf("the welcome was said to a machine: %q", c.Phone.Transcript())
	}
	create := r.cloud.Requests()[0].Form
	if create.Get("Timeout") != "25" || create.Get("MachineDetection") != "Enable" || create.Get("AsyncAmd") != "true" ||
		create.Get("AsyncAmdStatusCallback") != r.Public.HTTP(twilio.PathAMD) {
		t.Fatalf("create %v", create)
	}
}
