package turn

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

const longReply = "Thanks for calling. I can help you with orders, returns, deliveries and billing questions, and I can also transfer you to a person if you prefer."

// echo answers every turn with a fixed reply.
func echo(text string) func([]voice.Message) llmReply {
	return func([]voice.Message) llmReply { return llmReply{text: text} }
}

func TestWelcomeThenATurn(t *testing.T) {
	set := defaultSettings()
	set.Welcome = "Hello, how can I help?"
	s := newSim(t, set)
	s.llm = echo("Sure, what is your order number?")
	s.run(3 * time.Second)
	if got := s.heardText(); got != "Hello, how can I help?" {
		t.Fatalf("heard %q, want the welcome", got)
	}
	s.say("I need help with my order", 0.95, true)
	s.run(5 * time.Second)
	if len(s.llmCalls) != 1 {
		t.Fatalf("%d model calls", len(s.llmCalls))
	}
	msgs := s.llmCalls[s.lastLLM()]
	if len(msgs) != 3 || msgs[0].Role != voice.RoleSystem || msgs[1].Content != "Hello, how can I help?" || msgs[2].Content != "I need help with my order" {
		t.Fatalf("model got %+v", msgs)
	}
	if got := s.heardText(); got != "Hello, how can I help? Sure, what is your order number?" {
		t.Fatalf("heard %q", got)
	}
	if m := s.lastMessage(); m.Role != voice.RoleAssistant || m.Content != "Sure, what is your order number?" {
		t.Fatalf("history ends with %+v", m)
	}
	timings := s.has("stage-timings")
	if len(timings) != 1 {
		t.Fatalf("%d stage timings", len(timings))
	}
	st := timings[0].(events.StageTimings)
	if st.LLMFirstToken != s.llmDelay || st.TTSFirstChunk < st.LLMFirstToken || st.TTSFirstAudio <= st.TTSFirstChunk ||
		st.FirstFrameOut < st.TTSFirstAudio || st.ConfigVersion != 1 {
		t.Fatalf("timings %+v", st)
	}
	if s.finalizes != 1 {
		t.Errorf("STT finalized %d times", s.finalizes)
	}
	hist := s.has("history")
	if len(hist) != 2 || !slices.EqualFunc(hist[1].(events.History).Messages, s.m.History(), func(a, b voice.Message) bool {
		return a.Role == b.Role && a.Content == b.Content
	}) {
		t.Fatalf("history events %v", hist)
	}
}

// A pause in the middle of a sentence is not the end of the turn.
func TestPauseMidSentenceIsNotATurn(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Of course.")
	s.say("I would like to", 0.95, false)
	s.run(1500 * time.Millisecond) // shorter than utterance_timeout_seconds (2.65 s)
	if len(s.llmCalls) != 0 {
		t.Fatal("replied during a pause")
	}
	s.say("book a table for two", 0.95, true)
	s.run(3 * time.Second)
	if len(s.llmCalls) != 1 {
		t.Fatalf("%d model calls", len(s.llmCalls))
	}
	if got := s.llmCalls[1][1].Content; got != "I would like to book a table for two" {
		t.Fatalf("turn text %q", got)
	}
}

// Without a provider endpoint, the utterance timeout ends the turn.
func TestUtteranceTimeoutCommits(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Okay.")
	s.say("what are your hours", 0.95, false)
	s.run(2600 * time.Millisecond)
	if len(s.llmCalls) != 0 {
		t.Fatal("committed before the utterance timeout")
	}
	s.run(100 * time.Millisecond)
	if len(s.llmCalls) != 1 {
		t.Fatal("not committed after the utterance timeout")
	}
}

// With incomplete-utterance detection, an obviously unfinished turn waits
// longer even after the provider's endpoint.
func TestIncompleteUtteranceWaits(t *testing.T) {
	set := defaultSettings()
	set.IncompleteDetection = true
	s := newSim(t, set)
	s.llm = echo("Sure.")
	s.say("my account number is", 0.95, true)
	s.run(1000 * time.Millisecond)
	if len(s.llmCalls) != 0 {
		t.Fatal("replied to an unfinished sentence")
	}
	s.say("four two seven", 0.95, true)
	s.run(3 * time.Second)
	if len(s.llmCalls) != 1 || s.llmCalls[1][1].Content != "my account number is four two seven" {
		t.Fatalf("calls %v", s.llmCalls)
	}
}

// startLongReply gets the assistant speaking longReply and returns when
// about a second of it has played.
func startLongReply(t *testing.T, s *sim) {
	t.Helper()
	s.llm = echo(longReply)
	s.say("tell me what you can do", 0.95, true)
	s.run(1500 * time.Millisecond)
	if len(s.heard) == 0 {
		t.Fatal("the reply is not playing")
	}
}

func TestBargeInClearsCancelsAndTruncates(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	reply := s.lastLLM()
	s.llm = echo("Okay, let me transfer you.")
	s.say("stop please give me a human", 0.95, true)
	s.run(4 * time.Second)

	if s.interruptions(events.InterruptionTentative) != 1 || s.interruptions(events.InterruptionConfirmed) != 1 {
		t.Fatalf("interruptions: %v", s.has("interruption"))
	}
	if s.clears != 1 || !s.cancelled[reply] {
		t.Fatalf("clears %d, reply cancelled %v", s.clears, s.cancelled[reply])
	}
	// The history holds exactly the words the caller heard of the reply.
	msgs := s.llmCalls[s.lastLLM()]
	heardReply := msgs[len(msgs)-2]
	if heardReply.Role != voice.RoleAssistant || heardReply.Content == "" || !strings.HasPrefix(longReply, heardReply.Content) || heardReply.Content == longReply {
		t.Fatalf("history kept %q of the interrupted reply", heardReply.Content)
	}
	if !strings.HasPrefix(s.heardText(), heardReply.Content) {
		t.Fatalf("caller heard %q, history says %q", s.heardText(), heardReply.Content)
	}
	if got := msgs[len(msgs)-1].Content; got != "stop please give me a human" {
		t.Fatalf("next turn %q", got)
	}
	fin := s.has("reply-finished")
	if f := fin[0].(events.ReplyFinished); !f.Interrupted || f.Heard != heardReply.Content {
		t.Fatalf("reply-finished %+v", f)
	}
}

// Acknowledgements over the assistant do not interrupt it, and are not
// answered.
func TestBackchannelDuringReplyDoesNotInterrupt(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	s.say("uh-huh", 0.95, true)
	s.run(15 * time.Second)
	if s.interruptions(events.InterruptionConfirmed) != 0 || s.clears != 0 {
		t.Fatalf("an acknowledgement interrupted: %v", s.has("interruption"))
	}
	if s.interruptions(events.InterruptionRecovered) != 1 {
		t.Fatalf("no recovery: %v", s.has("interruption"))
	}
	if len(s.llmCalls) != 1 {
		t.Fatalf("replied to an acknowledgement: %d model calls", len(s.llmCalls))
	}
	if got := s.heardText(); got != longReply {
		t.Fatalf("caller heard %q", got)
	}
	if m := s.lastMessage(); m.Content != longReply {
		t.Fatalf("history %q", m.Content)
	}
}

// A cough (speech detected, no words) pauses playback, which then resumes
// from the same point: nothing skipped, nothing repeated.
func TestNoiseResumesFromTheSamePoint(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	before := len(s.heard)
	s.m.HandleSTT(s.now, &voice.SpeechStarted{})
	s.run(200 * time.Millisecond)
	if got := len(s.heard); got > before+1 {
		t.Fatalf("playback did not pause: %d words heard after the cough", got-before)
	}
	s.run(15 * time.Second)
	if s.interruptions(events.InterruptionRecovered) != 1 || s.interruptions(events.InterruptionConfirmed) != 0 {
		t.Fatalf("interruptions %v", s.has("interruption"))
	}
	if got := s.heardText(); got != longReply {
		t.Fatalf("caller heard %q", got)
	}
}

// Words below min_stt_confidence do not confirm an interruption.
func TestLowConfidenceSpeechDoesNotInterrupt(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	s.say("hello there friend", 0.3, true)
	s.run(15 * time.Second)
	if s.interruptions(events.InterruptionConfirmed) != 0 || s.heardText() != longReply {
		t.Fatalf("low-confidence words interrupted: %v, heard %q", s.has("interruption"), s.heardText())
	}
}

// Speech in the last stretch of a reply is the caller's next turn, not a
// barge-in: the reply finishes, then the caller is answered.
func TestTailProtection(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Your table is booked for seven.")
	s.say("book a table", 0.95, true)
	s.run(2200 * time.Millisecond) // the 2.4 s reply is playing, its end within 2 s
	s.llm = echo("You are welcome.")
	s.say("great thanks", 0.95, true)
	s.run(5 * time.Second)
	if n := len(s.has("interruption")); n != 0 {
		t.Fatalf("%d interruption events in the tail", n)
	}
	if !strings.Contains(s.heardText(), "Your table is booked for seven.") {
		t.Fatalf("reply cut: %q", s.heardText())
	}
	if len(s.llmCalls) != 2 || s.llmCalls[s.lastLLM()][3].Content != "great thanks" {
		t.Fatalf("the tail speech was not the next turn: %v", s.llmCalls)
	}
}

// The caller going on after the turn was committed, before any of the reply
// was heard, reopens the turn: one reply to the whole thought.
func TestCallerContinuesBeforeTheReplyIsHeard(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Okay.")
	s.llmDelay = time.Second
	s.say("I want to cancel", 0.95, true)
	s.run(300 * time.Millisecond)
	s.say("my last order please", 0.95, true)
	s.run(4 * time.Second)
	last := s.llmCalls[s.lastLLM()]
	if got := last[len(last)-1].Content; got != "I want to cancel my last order please" {
		t.Fatalf("reply to %q", got)
	}
	if slices.ContainsFunc(last, func(m voice.Message) bool { return m.Content == "I want to cancel" }) {
		t.Fatal("the half turn stayed in the history")
	}
	if s.heardText() != "Okay." {
		t.Fatalf("heard %q", s.heardText())
	}
}

func TestModelFailureApologises(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.say("hello", 0.95, true)
	s.run(100 * time.Millisecond)
	s.m.LLMFinished(s.now, s.lastLLM(), errModel)
	s.run(5 * time.Second)
	if s.heardText() != apology {
		t.Fatalf("heard %q", s.heardText())
	}
	if len(s.has("provider-error")) != 1 {
		t.Fatal("no provider-error event")
	}
}

var errModel = errorString("every provider failed")

type errorString string

func (e errorString) Error() string { return string(e) }

// A recording disclosure is said first, with the welcome, and the caller
// cannot talk over it; after it the conversation goes on as usual.
func TestDisclosureComesFirstAndIsNotInterrupted(t *testing.T) {
	set := defaultSettings()
	set.Welcome = "Hello, how can I help?"
	s := startSim(t, set, CallStart{Disclosure: "This call is recorded."})
	s.llm = echo("Sure.")
	s.run(500 * time.Millisecond)
	s.say("hello hello can you hear me", 0.95, true)
	s.run(6 * time.Second)
	if got := s.heardText(); !strings.HasPrefix(got, "This call is recorded. Hello, how can I help?") {
		t.Fatalf("heard %q", got)
	}
	if s.clears != 0 || s.interruptions(events.InterruptionConfirmed) != 0 {
		t.Fatalf("the disclosure was interrupted: %d clears", s.clears)
	}
	if started := s.has("reply-started")[0].(events.ReplyStarted); started.Source != "disclosure" {
		t.Fatalf("first reply %+v", started)
	}
	if len(s.llmCalls) != 1 || !strings.HasSuffix(s.heardText(), "Sure.") {
		t.Fatalf("the caller's turn after the disclosure: %d model calls, heard %q", len(s.llmCalls), s.heardText())
	}
}
