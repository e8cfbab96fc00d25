package turn

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

func consenting() Settings {
	set := defaultSettings()
	set.ConsentRequired, set.ConsentMessage = true, "This call is recorded. Press 1 to agree or 2 to hang up."
	set.Welcome = "Hello, how can I help?"
	return set
}

// Pressing 1 after the consent question opens the call: the welcome
// follows, and the caller's turns are answered.
func TestConsentAgreed(t *testing.T) {
	s := newSim(t, consenting())
	s.llm = youSaid
	s.run(6 * time.Second)
	if got := s.heardText(); got != "This call is recorded. Press 1 to agree or 2 to hang up." {
		t.Fatalf("heard %q", got)
	}
	s.say("hello there", 0.95, true) // nothing the caller says counts before consent
	s.run(2 * time.Second)
	if len(s.llmCalls) != 0 {
		t.Fatal("the model was asked before consent")
	}
	s.m.CallerDTMF(s.now, "1")
	s.run(4 * time.Second)
	if !strings.HasSuffix(s.heardText(), "Hello, how can I help?") || s.m.Stage() != Conversing {
		t.Fatalf("heard %q, stage %v", s.heardText(), s.m.Stage())
	}
	c := s.has("consent")
	if len(c) != 1 || c[0].(events.Consent).Decision != ConsentAgreed {
		t.Fatalf("consent events %v", c)
	}
	s.say("what are your hours", 0.95, true)
	s.run(4 * time.Second)
	if !strings.HasSuffix(s.heardText(), "You said what are your hours.") {
		t.Fatalf("the conversation did not go on: %q", s.heardText())
	}
}

// Pressing 2 ends the call; so does silence after the question is asked
// twice; a key while the question plays cuts it short.
func TestConsentDeclinedOrUnanswered(t *testing.T) {
	s := newSim(t, consenting())
	s.run(time.Second)
	s.m.CallerDTMF(s.now, "2")
	s.run(2 * time.Second)
	if s.hungUp != events.EndConsentDeclined || s.clears != 1 {
		t.Fatalf("hung up %q after %d clears", s.hungUp, s.clears)
	}

	s = newSim(t, consenting())
	s.run(40 * time.Second)
	if s.hungUp != events.EndConsentUnanswered {
		t.Fatalf("hung up %q", s.hungUp)
	}
	const q = "This call is recorded. Press 1 to agree or 2 to hang up."
	if got := s.heardText(); got != q+" "+q {
		t.Fatalf("heard %q: the question is asked twice", got)
	}
	if c := s.has("consent"); len(c) != 1 || c[0].(events.Consent).Decision != ConsentUnanswered || c[0].(events.Consent).Asked != 2 {
		t.Fatalf("consent events %v", c)
	}
}

// With wait_for_caller the welcome answers the caller's first words; with
// silence it goes ahead after the idle timeout.
func TestWaitForCaller(t *testing.T) {
	set := defaultSettings()
	set.WaitForCaller, set.Welcome = true, "Hi, this is the bike shop."
	s := newSim(t, set)
	s.llm = youSaid
	s.run(3 * time.Second)
	if s.heardText() != "" {
		t.Fatalf("spoke first: %q", s.heardText())
	}
	s.say("hello?", 0.95, true)
	s.run(4 * time.Second)
	if s.heardText() != "Hi, this is the bike shop." || len(s.llmCalls) != 0 {
		t.Fatalf("heard %q, %d model calls", s.heardText(), len(s.llmCalls))
	}
	s.say("do you fix brakes", 0.95, true)
	s.run(4 * time.Second)
	msgs := s.llmCalls[s.lastLLM()]
	if len(msgs) != 4 || msgs[1].Content != "hello?" || msgs[2].Content != "Hi, this is the bike shop." {
		t.Fatalf("model asked with %+v", msgs)
	}

	set.IdleTimeout = 5 * time.Second
	s = newSim(t, set)
	s.run(8 * time.Second)
	if s.heardText() != "Hi, this is the bike shop." || len(s.has("idle-prompt")) != 0 {
		t.Fatalf("after silence heard %q", s.heardText())
	}
}

// An outbound call says the outbound welcome.
func TestOutboundWelcome(t *testing.T) {
	set := defaultSettings()
	set.Welcome, set.OutboundWelcome = "Thanks for calling.", "Hi, this is Anna from the bike shop."
	s := startSim(t, set, CallStart{Outbound: true})
	s.run(4 * time.Second)
	if s.heardText() != "Hi, this is Anna from the bike shop." {
		t.Fatalf("heard %q", s.heardText())
	}
}

func screening(message string) Settings {
	set := defaultSettings()
	set.Welcome = "Hi, this is Anna from the bike shop."
	set.VoicemailDetection, set.VoicemailMessage = "outbound", message
	return set
}

func answered(t *testing.T, s *sim) events.AnsweredBy {
	t.Helper()
	a := s.has("answered-by")
	if len(a) != 1 {
		t.Fatalf("answered-by events %v", a)
	}
	return a[0].(events.AnsweredBy)
}

// A person who says hello and waits gets the welcome about a second and
// a half after they stop; nothing is said while they speak.
func TestScreeningAPerson(t *testing.T) {
	for _, hello := range []string{"hello?", "hi this is john smith speaking"} {
		s := startSim(t, screening("Please call us back."), CallStart{Outbound: true})
		s.run(500 * time.Millisecond)
		s.say(hello, 0.95, true)
		if s.heardText() != "" {
			t.Fatal("spoke over the caller's hello")
		}
		stopped := s.now.Sub(s.start)
		s.run(4 * time.Second)
		a := answered(t, s)
		if a.Who != AnsweredByHuman || a.After > stopped+personPause {
			t.Fatalf("%q, said by %v: %+v", hello, stopped, a)
		}
		if s.heardText() != "Hi, this is Anna from the bike shop." {
			t.Fatalf("%q: heard %q", hello, s.heardText())
		}
	}
	// Nobody says anything: a person waiting, after a while.
	s := startSim(t, screening(""), CallStart{Outbound: true})
	s.run(6 * time.Second)
	if a := answered(t, s); a.Who != AnsweredByHuman || a.Signal != signalSilence {
		t.Fatalf("silence: %+v", a)
	}
}

// A voicemail greeting is recognised by its words or its length; the
// message is left after its beep, or after the pause that ends it, and
// never spoken into it.
func TestScreeningAMachine(t *testing.T) {
	const greeting = "hi you have reached john smith i cannot take your call right now please leave a message after the tone"
	for _, beep := range []bool{true, false} {
		s := startSim(t, screening("Hi John, this is the bike shop, your bike is ready."), CallStart{Outbound: true})
		s.run(300 * time.Millisecond)
		s.say(greeting, 0.95, true)
		if a := answered(t, s); a.Who != AnsweredByMachine || a.Signal != signalPhrase {
			t.Fatalf("%+v", a)
		}
		if s.heardText() != "" {
			t.Fatal("spoke into the greeting")
		}
		if beep {
			s.run(600 * time.Millisecond)
			s.m.Tone(s.now)
		}
		s.run(10 * time.Second)
		if s.heardText() != "Hi John, this is the bike shop, your bike is ready." || s.hungUp != events.EndVoicemail {
			t.Fatalf("beep %v: heard %q, hung up %q", beep, s.heardText(), s.hungUp)
		}
	}
	// A beep alone is a machine; without a message the call just ends.
	s := startSim(t, screening(""), CallStart{Outbound: true})
	s.run(time.Second)
	s.m.Tone(s.now)
	s.run(time.Second)
	if a := answered(t, s); a.Who != AnsweredByMachine || a.Signal != signalBeep || s.hungUp != events.EndVoicemail || s.heardText() != "" {
		t.Fatalf("%+v, hung up %q, heard %q", a, s.hungUp, s.heardText())
	}
	// The carrier's detection counts too.
	s = startSim(t, screening(""), CallStart{Outbound: true})
	s.m.CarrierAnsweredBy(s.now, AnsweredByMachine)
	if a := answered(t, s); a.Signal != signalCarrier || s.hungUp != events.EndVoicemail {
		t.Fatalf("%+v, hung up %q", a, s.hungUp)
	}
}

// Inbound calls are not screened unless detection is on for all calls.
func TestScreeningOnlyWhereAsked(t *testing.T) {
	s := startSim(t, screening(""), CallStart{})
	s.run(4 * time.Second)
	if len(s.has("answered-by")) != 0 || s.heardText() != "Hi, this is Anna from the bike shop." {
		t.Fatalf("an inbound call was screened: heard %q", s.heardText())
	}
	set := screening("")
	set.VoicemailDetection = "all"
	s = startSim(t, set, CallStart{})
	if s.m.Stage() != Screening {
		t.Fatalf("stage %v", s.m.Stage())
	}
}

// The long voicemail greetings and short hellos of a generated set are
// told apart (the figures in BENCHMARKS.md come from the same set).
func TestScreeningGreetingSet(t *testing.T) {
	people, machines := screeningGreetings()
	for _, g := range append(people, machines...) {
		s := startSim(t, screening(""), CallStart{Outbound: true})
		s.run(g.Pickup)
		if g.Text != "" {
			s.say(g.Text, 0.9, true)
		}
		if g.Beep {
			s.run(400 * time.Millisecond)
			s.m.Tone(s.now)
		}
		s.run(10 * time.Second)
		if a := answered(t, s); a.Who != g.Who {
			t.Errorf("%q: %s by %s after %v", g.Text, a.Who, a.Signal, a.After)
		}
	}
}
