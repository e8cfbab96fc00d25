package turn

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// youSaid answers every turn by repeating it.
func youSaid(msgs []voice.Message) llmReply {
	return llmReply{text: "You said " + msgs[len(msgs)-1].Content + "."}
}

// After one guess that missed, reply ids and turn numbers differ. A later
// guess that is kept, whose generation ended while its text was held, must
// still end its speech: the reply finishes, the idle prompt comes back and
// the caller's next turn is answered.
func TestHeldGuessFinishesAfterAMiss(t *testing.T) {
	set := speculative()
	set.IdleTimeout, set.IdleInterval, set.MaxIdleMessages, set.IdleMessages = 6*time.Second, 6*time.Second, 1, []string{"Are you still there?"}
	s := newSim(t, set)
	s.llm = youSaid
	s.say("book a table for two", 0.95, false)
	s.run(400 * time.Millisecond) // a guess starts…
	s.say("no wait cancel my booking", 0.95, true)
	s.run(5 * time.Second) // …and misses: the answer is to the whole turn
	s.say("what are your hours", 0.95, false)
	s.run(time.Second) // a second guess, written in full and held
	s.m.HandleSTT(s.now, &voice.EndOfTurn{})
	s.run(4 * time.Second)
	if !strings.HasSuffix(s.heardText(), "You said what are your hours.") {
		t.Fatalf("the kept guess was not heard: %q", s.heardText())
	}
	if a, c := s.m.Phases(); a != Silent || c != Quiet {
		t.Fatalf("after the kept reply: assistant %v, caller %v", a, c)
	}
	s.run(7 * time.Second)
	if len(s.has("idle-prompt")) != 1 {
		t.Fatal("no idle prompt after the kept reply")
	}
	s.say("thanks", 0.95, true)
	s.run(4 * time.Second)
	if !strings.HasSuffix(s.heardText(), "You said thanks.") {
		t.Fatalf("the next turn was not answered: %q", s.heardText())
	}
}

// An acknowledgement said as the welcome starts is a listener's, not a
// turn: it is not answered, and the caller's real question is, once.
func TestBackchannelOverTheWelcomeIsNotATurn(t *testing.T) {
	set := defaultSettings()
	set.Welcome = "Hello, thanks for calling the bike shop. How can I help you today?"
	s := newSim(t, set)
	s.llm = youSaid
	s.run(300 * time.Millisecond)
	s.say("okay", 0.95, true)
	s.run(8 * time.Second)
	if len(s.llmCalls) != 0 {
		t.Fatalf("the acknowledgement was answered: %v", s.llmCalls)
	}
	if got := s.heardText(); got != set.Welcome {
		t.Fatalf("heard %q", got)
	}
	s.say("do you repair wheels", 0.95, true)
	s.run(5 * time.Second)
	if len(s.llmCalls) != 1 || !strings.HasSuffix(s.heardText(), "You said do you repair wheels.") {
		t.Fatalf("%d model calls, heard %q", len(s.llmCalls), s.heardText())
	}
}

// "Uh-huh" in the last stretch of a reply (tail-protected, so not a
// barge-in) is not the caller's next turn either.
func TestBackchannelInTheTailIsNotATurn(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Your table is booked for seven. We look forward to seeing you.")
	s.say("book a table", 0.95, true)
	s.run(4200 * time.Millisecond) // the reply's last two seconds are playing
	s.llm = youSaid
	s.say("uh-huh", 0.95, true)
	s.run(6 * time.Second)
	if len(s.llmCalls) != 1 {
		t.Fatalf("the acknowledgement was answered: %d model calls", len(s.llmCalls))
	}
	if !strings.HasSuffix(s.heardText(), "We look forward to seeing you.") {
		t.Fatalf("heard %q", s.heardText())
	}
	if _, c := s.m.Phases(); c != Quiet {
		t.Fatalf("the caller is %v, not quiet", c)
	}
}

// "Yes" over the end of a yes-or-no question answers it.
func TestYesOverTheEndOfAQuestionIsATurn(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("I have a table at seven. Shall I book it for you?")
	s.say("a table tonight", 0.95, true)
	s.run(4200 * time.Millisecond)
	s.llm = youSaid
	s.say("yes", 0.95, true)
	s.run(6 * time.Second)
	if len(s.llmCalls) != 2 || !strings.HasSuffix(s.heardText(), "You said yes.") {
		t.Fatalf("%d model calls, heard %q", len(s.llmCalls), s.heardText())
	}
}

// When synthesis fails mid-reply, the caller hears what was synthesised
// and no more; the history and the transcript keep just that, and the
// next turn is answered.
func TestSynthesisFailureRecordsOnlyWhatWasPlayed(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.alignWords = true
	startLongReply(t, s)
	id := s.lastLLM()
	s.m.HandleTTS(s.now, id, &voice.TTSError{Err: errorString("voice lost")})
	s.cancelled[id] = true // the failed synthesis sends nothing more
	s.run(5 * time.Second)
	heard := s.heardText()
	if heard == "" || heard == longReply || !strings.HasPrefix(longReply, heard) {
		t.Fatalf("heard %q", heard)
	}
	fin := s.has("reply-finished")
	if f := fin[len(fin)-1].(events.ReplyFinished); f.Heard != heard {
		t.Fatalf("the reply reports %q heard, the caller heard %q", f.Heard, heard)
	}
	var said []string
	for _, e := range s.has("transcript") {
		if tr := e.(events.Transcript); tr.Speaker == events.Assistant {
			said = append(said, tr.Text)
		}
	}
	if len(said) != 1 || said[0] != heard {
		t.Fatalf("assistant transcripts %q, heard %q", said, heard)
	}
	if m := s.lastMessage(); m.Content != heard {
		t.Fatalf("the history keeps %q, the caller heard %q", m.Content, heard)
	}
	s.llm = echo("Still here.")
	s.say("hello", 0.95, true)
	s.run(3 * time.Second)
	if !strings.HasSuffix(s.heardText(), "Still here.") {
		t.Fatalf("the next turn was not answered: %q", s.heardText())
	}
}

// A model that fails after a first sentence does not leave the caller
// with a fragment and silence: the apology follows what was said.
func TestModelFailureAfterAFragmentApologises(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.say("where is my order", 0.95, true)
	s.run(100 * time.Millisecond)
	id := s.lastLLM()
	s.m.HandleLLM(s.now, id, &voice.TextDelta{Text: "Let me check that. Your order"})
	s.m.LLMFinished(s.now, id, errModel)
	s.run(10 * time.Second)
	if want := "Let me check that. Your order " + apology; s.heardText() != want {
		t.Fatalf("heard %q, want %q", s.heardText(), want)
	}
	if m := s.lastMessage(); m.Content != "Let me check that. Your order "+apology {
		t.Fatalf("history %q", m.Content)
	}
	// The reply was lost, and the error says so.
	if errs := s.has("provider-error"); len(errs) != 1 || errs[0].(events.ProviderError).Recovered {
		t.Fatalf("provider errors %+v", errs)
	}
}

// A drain's goodbye must fit its margin: one that runs longer is cut at the
// bound and the call hung up, what was said of it kept.
func TestGoodbyeCutAtTheDrainBound(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.say("where is my order", 0.95, true)
	s.run(100 * time.Millisecond)
	s.reply(s.lastLLM(), "Let me check that for you. It left the depot this morning and should be with you soon.")
	s.run(time.Second) // mid-reply
	goodbye := "I am so sorry, but I have to end our call right now because the service is restarting. Please call us back in a few minutes. Goodbye."
	s.m.EndWithin(s.now, events.EndShutdown, goodbye, 2*time.Second)
	s.run(2*time.Second - time.Millisecond)
	if s.hungUp != "" {
		t.Fatalf("hung up %q before the bound", s.hungUp)
	}
	s.run(time.Millisecond)
	if s.hungUp != events.EndShutdown {
		t.Fatalf("not hung up at the bound: %q", s.hungUp)
	}
	heard := s.heardText()
	if m := s.lastMessage(); !strings.HasPrefix(m.Content, "I am so sorry") || m.Content == goodbye {
		t.Fatalf("history keeps %q of the goodbye", m.Content)
	}
	if !strings.Contains(heard, "I am so sorry") || strings.HasSuffix(heard, "Goodbye.") {
		t.Fatalf("heard %q", heard)
	}
}

// Without word timings from the synthesiser, the words of a reply whose
// synthesis fails are placed at the rate this call's voice was measured
// at on its last complete reply: the transcript and the history keep what
// the caller heard, not a word more.
func TestSynthesisFailureWithoutTimingsRecordsOnlyWhatWasPlayed(t *testing.T) {
	for _, after := range []time.Duration{time.Second, 1500 * time.Millisecond, 2 * time.Second, 3 * time.Second} {
		s := newSim(t, defaultSettings())
		startLongReply(t, s)
		s.run(15 * time.Second) // heard in full: the voice's rate is known
		before := s.heardText()
		if !strings.HasSuffix(before, longReply) {
			t.Fatalf("the first reply: heard %q", before)
		}
		spokenBefore := len(s.has("transcript"))
		s.say("and what else", 0.95, true)
		s.run(after)
		id := s.lastLLM()
		s.m.HandleTTS(s.now, id, &voice.TTSError{Err: errorString("voice lost")})
		s.cancelled[id] = true
		s.run(8 * time.Second)
		heard := strings.TrimSpace(strings.TrimPrefix(s.heardText(), before))
		var said []string
		for _, e := range s.has("transcript")[spokenBefore:] {
			if tr := e.(events.Transcript); tr.Speaker == events.Assistant {
				said = append(said, tr.Text)
			}
		}
		if got := strings.Join(said, " "); got != heard {
			t.Errorf("failed %v into the reply: the transcript keeps %q, the caller heard %q", after, got, heard)
		}
	}
}
