package telephonytest

import (
	"errors"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// What LeaveVoicemail's assistant would greet a person with, and the
// message it leaves a machine.
const (
	VoicemailWelcome = "Hi, this is the bike shop."
	VoicemailMessage = "Your bike is ready for pick-up, see you soon."
)

// LeaveVoicemail has an outbound assistant leave VoicemailMessage on a
// machine, with the carrier's answering-machine detection asked for.
func LeaveVoicemail(c *assistant.Config) {
	welcome, msg := VoicemailWelcome, VoicemailMessage
	c.LLMSettings.WelcomeMessage = &welcome
	c.VoicemailSettings = assistant.VoicemailSettings{Detection: "outbound", Message: &msg, CarrierDetection: true}
}

// CarrierSaysMachine checks call sid (LeaveVoicemail's assistant) on a
// callee that says nothing, which would pass for a person after the
// silence: the carrier's "machine" is recorded first, the message is left
// at the beep, the call ends as voicemail and the welcome is never said.
func (h *Harness) CarrierSaysMachine(sid string, p *phone.Phone) {
	h.T.Helper()
	testkit.Eventually(h.T, 10*time.Second, func() error {
		if len(h.Events.Of(sid, "answered-by")) == 0 {
			return errors.New("not decided")
		}
		return nil
	})
	if a := h.Events.Of(sid, "answered-by")[0].(events.AnsweredBy); a.Who != "machine" || a.Signal != "carrier" {
		h.T.Fatalf("answered-by %+v", a)
	}
	p.Sound(fakespeech.Beep(400*time.Millisecond, 1000))
	WaitHeard(h.T, p, VoicemailMessage)
	h.WaitEnded(sid)
	if end := h.Events.Of(sid, "call-ended"); end[0].(events.CallEnded).Reason != events.EndVoicemail {
		h.T.Fatalf("ended %+v", end)
	}
	if strings.Contains(p.Transcript(), "bike shop") {
		h.T.Fatalf("the welcome was said to a machine: %q", p.Transcript())
	}
}
