package call

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/voice"
)

// Before the caller agrees to the recording nothing they say reaches the
// recogniser or the recording; after 1 the call goes on and is recorded
// from then.
func TestConsentGateThroughTheActor(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		recorded(c)
		msg := "This call is recorded. Press 1 to agree."
		c.RecordingSettings.DisclosureEnabled, c.RecordingSettings.ConsentRequired, c.RecordingSettings.ConsentMessage = false, true, &msg
	})
	s := &saved{tracks: map[string][]recording.Track{}}
	h.mgr.RecordingsRoot, h.mgr.Recordings = t.TempDir(), s
	cl := h.start("CA-consent")
	cl.speak("can you hear me")
	h.run(4 * time.Second)
	if n := h.stt.Last().Frames(); n != 0 {
		t.Fatalf("%d caller frames reached the recogniser before consent", n)
	}
	if cl.heard() != "This call is recorded. Press 1 to agree." || cl.call.State().Stage != "consenting" {
		t.Fatalf("heard %q, stage %q", cl.heard(), cl.call.State().Stage)
	}
	cl.call.DTMF("1")
	h.until(5*time.Second, "welcome", func() bool { return strings.HasSuffix(cl.heard(), "Hello.") })
	cl.speak("thank you")
	h.until(10*time.Second, "reply", func() bool { return strings.HasSuffix(cl.heard(), "You said: thank you") })
	if c := h.sink.of(cl.call.ID, "consent"); len(c) != 1 || c[0].(events.Consent).Decision != turn.ConsentAgreed {
		t.Fatalf("consent events %v", c)
	}
	cl.call.Stopped()
	h.until(time.Second, "end", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	if len(s.of(cl.call.ID)) == 0 {
		t.Fatal("no recording after consent")
	}
}

// A declined consent leaves no recording at all.
func TestConsentDeclinedRecordsNothing(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		recorded(c)
		c.RecordingSettings.DisclosureEnabled, c.RecordingSettings.ConsentRequired = false, true
	})
	s := &saved{tracks: map[string][]recording.Track{}}
	h.mgr.RecordingsRoot, h.mgr.Recordings = t.TempDir(), s
	cl := h.start("CA-declined")
	h.run(time.Second)
	cl.call.DTMF("2")
	h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	if cl.call.Reason() != events.EndConsentDeclined || len(s.of(cl.call.ID)) != 0 {
		t.Fatalf("reason %q, recording %v", cl.call.Reason(), s.of(cl.call.ID))
	}
}

// An outbound call reaching an answering machine: its greeting is heard,
// its beep found in the audio, and the message left after it.
func TestVoicemailThroughTheActor(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		welcome, msg := "Hi, this is the bike shop.", "Your bike is ready for pick-up."
		c.LLMSettings.WelcomeMessage = &welcome
		c.VoicemailSettings = assistant.VoicemailSettings{Detection: "outbound", Message: &msg}
	})
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-vm", OrganizationID: 1, AssistantID: 1, Direction: "outbound", Carrier: "test"}})
	cl.speak("hi this is sam please leave a message after the beep")
	cl.say = append(cl.say, fakespeech.Beep(400*time.Millisecond, 1000)...)
	cl.say = append(cl.say, fakespeech.Silence(time.Second)...)
	h.until(20*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	if cl.heard() != "Your bike is ready for pick-up." || cl.call.Reason() != events.EndVoicemail {
		t.Fatalf("heard %q, reason %q", cl.heard(), cl.call.Reason())
	}
	a := h.sink.of(cl.call.ID, "answered-by")
	if len(a) != 1 || a[0].(events.AnsweredBy).Who != turn.AnsweredByMachine {
		t.Fatalf("answered-by %v", a)
	}
}

// A beep alone, found in the audio, is a machine.
func TestBeepAloneIsAMachine(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) { c.VoicemailSettings.Detection = "all" })
	cl := h.start("CA-beep")
	cl.say = append(fakespeech.Silence(500*time.Millisecond), fakespeech.Beep(300*time.Millisecond, 850)...)
	h.until(10*time.Second, "ended", func() bool { return h.ended(cl) })
	a := h.sink.of(cl.call.ID, "answered-by")
	if len(a) != 1 || a[0].(events.AnsweredBy).Signal != "beep" || cl.call.Reason() != events.EndVoicemail {
		t.Fatalf("answered-by %v, reason %q", a, cl.call.Reason())
	}
}

// The carrier's own detection reaches the machine.
func TestCarrierAnsweredBy(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) { c.VoicemailSettings.Detection = "outbound" })
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-amd", OrganizationID: 1, AssistantID: 1, Direction: "outbound", Carrier: "test"}})
	h.run(200 * time.Millisecond)
	cl.call.AnsweredBy(turn.AnsweredByMachine)
	h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
	if cl.call.Reason() != events.EndVoicemail {
		t.Fatalf("reason %q", cl.call.Reason())
	}
}

// {{variables}}: the call's own over the assistant's, over the caller's
// facts; a missing one renders empty.
func TestVariablesThroughTheActor(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		welcome := "Hello {{customer_name}}, calling from {{customer_number}} about {{topic}}{{missing}}."
		c.LLMSettings.WelcomeMessage = &welcome
		c.LLMSettings.SystemPrompt = "Help {{customer_name}} with {{topic}}."
		c.Variables = map[string]string{"customer_name": "there", "topic": "repairs"}
	})
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-vars", OrganizationID: 1, AssistantID: 1, From: "+15550001111", Carrier: "test"},
		Variables: map[string]string{"customer_name": "Ada"}})
	h.until(5*time.Second, "welcome", func() bool { return strings.HasSuffix(cl.heard(), "repairs.") })
	if cl.heard() != "Hello Ada, calling from +15550001111 about repairs." {
		t.Fatalf("heard %q", cl.heard())
	}
	cl.speak("hi")
	h.until(10*time.Second, "reply", func() bool { return len(h.llm.Requests()) == 1 })
	if got := h.llm.Requests()[0].Messages[0].Content; got != "Help Ada with repairs." {
		t.Fatalf("system prompt %q", got)
	}
}

// assistant_transfer through the actor: the other assistant is loaded from
// the registry and carries the same call on.
func TestHandoverThroughTheActor(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		c.ToolsSettings.AssistantTransfer = assistant.AssistantTransferTool{Enabled: true,
			Targets: []assistant.AssistantTransfer{{AssistantID: 2, SpeakGreeting: true}}}
	})
	billing := assistant.Defaults()
	welcome := "Billing here."
	billing.LLMSettings.SystemPrompt, billing.LLMSettings.WelcomeMessage = "You are billing.", &welcome
	h.asst.others = map[int64]*assistants.Snapshot{2: {ID: 2, OrganizationID: 1, Version: 1, Config: billing}}
	h.llm.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if req.Messages[0].Content == "You are billing." {
			return "Your invoice is paid.", nil
		}
		return "", []voice.ToolCall{{ID: "a1", Name: turn.ToolAssistantTransfer, Arguments: `{"assistant_id":2}`}}
	}
	cl := h.start("CA-hand")
	cl.speak("billing please")
	h.until(10*time.Second, "greeting", func() bool { return strings.HasSuffix(cl.heard(), "Billing here.") })
	if tr := h.sink.of(cl.call.ID, "assistant-transfer"); len(tr) != 1 || cl.call.State().AssistantID != 2 {
		t.Fatalf("transfer events %v, state %+v", tr, cl.call.State())
	}
	cl.speak("is my invoice paid")
	h.until(10*time.Second, "billing's answer", func() bool { return strings.HasSuffix(cl.heard(), "Your invoice is paid.") })
}
