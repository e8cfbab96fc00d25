package turn

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// The silence ladder: the first prompt after idle_timeout, the next after
// the interval, messages rotating, then the final message and the end.
func TestSilenceLadder(t *testing.T) {
	set := defaultSettings()
	set.IdleTimeout, set.IdleInterval, set.MaxIdleMessages = 4*time.Second, 8*time.Second, 2
	set.IdleMessages = []string{"Are you there?", "Hello, can you hear me?"}
	set.SilenceFinal = "I'll hang up now, goodbye."
	s := newSim(t, set)
	s.run(4100 * time.Millisecond)
	if p := s.has("idle-prompt"); len(p) != 1 {
		t.Fatalf("%d prompts after idle_timeout", len(p))
	}
	s.run(8 * time.Second) // the prompt took about a second: the interval has not passed since
	if p := s.has("idle-prompt"); len(p) != 1 {
		t.Fatalf("%d prompts before the interval", len(p))
	}
	s.run(20 * time.Second)
	if got := s.heardText(); got != "Are you there? Hello, can you hear me? I'll hang up now, goodbye." || s.hungUp != events.EndIdle {
		t.Fatalf("heard %q, hung up %q", got, s.hungUp)
	}
}

// Unbroken silence past max_silence ends the call whatever the prompt
// count; a caller who never says a word is let go after the initial
// timeout; speech resets the unbroken silence.
func TestSilenceLimits(t *testing.T) {
	set := defaultSettings()
	set.IdleTimeout, set.MaxIdleMessages, set.MaxSilence = 3*time.Second, 10, 10*time.Second
	set.SilenceFinal = "Goodbye."
	s := newSim(t, set)
	s.llm = echo("Okay.")
	s.run(2 * time.Second)
	s.say("hello", 0.95, true)
	s.run(9 * time.Second)
	if s.hungUp != "" {
		t.Fatal("ended within max_silence of the caller's speech")
	}
	s.run(5 * time.Second)
	if s.hungUp != events.EndIdle || !strings.HasSuffix(s.heardText(), "Goodbye.") {
		t.Fatalf("hung up %q, heard %q", s.hungUp, s.heardText())
	}

	set = defaultSettings()
	set.InitialSilence = 6 * time.Second
	s = newSim(t, set)
	s.run(5900 * time.Millisecond)
	if s.hungUp != "" {
		t.Fatal("ended before the initial timeout")
	}
	s.run(200 * time.Millisecond)
	if s.hungUp != events.EndIdle {
		t.Fatalf("hung up %q", s.hungUp)
	}
}

// With a re-engagement prompt the model writes the nudge, told how long
// the caller has been silent; the instruction stays out of the history.
func TestGeneratedSilencePrompt(t *testing.T) {
	set := defaultSettings()
	set.IdleTimeout, set.MaxIdleMessages = 4*time.Second, 2
	set.ReengagementPrompt = "Offer to send the details by text message."
	s := newSim(t, set)
	s.llm = echo("Shall I text you the details instead?")
	s.run(7 * time.Second)
	if len(s.llmCalls) != 1 {
		t.Fatalf("%d model calls", len(s.llmCalls))
	}
	msgs := s.llmCalls[s.lastLLM()]
	if last := msgs[len(msgs)-1]; last.Role != voice.RoleSystem || !strings.Contains(last.Content, "Offer to send the details by text message.") {
		t.Fatalf("instruction %+v", last)
	}
	if s.heardText() != "Shall I text you the details instead?" || !s.has("idle-prompt")[0].(events.IdlePrompt).Generated {
		t.Fatalf("heard %q", s.heardText())
	}
	for _, m := range s.m.History() {
		if strings.Contains(m.Content, "Offer to send") {
			t.Fatal("the instruction entered the history")
		}
	}
}

func withFillers() Settings {
	set := defaultSettings()
	set.FillerAfter = 800 * time.Millisecond
	set.FillerPhrases = fillerPhrases(assistant.FillerSettings{Question: []string{"Let me check that."}})
	return set
}

// A reply that keeps the caller waiting gets a filler of the right kind,
// which gives way to the reply as soon as its audio is ready; a quick reply
// gets none; never two turns in a row; never in the history.
func TestFillers(t *testing.T) {
	s := newSim(t, withFillers())
	s.llm = echo("We open at nine.")
	s.llmDelay = 3 * time.Second
	s.say("what time do you open", 0.95, true)
	s.run(6 * time.Second)
	f := s.has("filler")
	if len(f) != 1 || f[0].(events.Filler).TurnKind != "question" {
		t.Fatalf("filler events %v", f)
	}
	if got := s.heardText(); got != "Let me check that. We open at nine." {
		t.Fatalf("heard %q", got)
	}
	for _, m := range s.m.History() {
		if strings.Contains(m.Content, "Let me check") {
			t.Fatal("a filler entered the history")
		}
	}
	s.say("and when do you close", 0.95, true) // slow again, but right after a filler
	s.run(6 * time.Second)
	if len(s.has("filler")) != 1 {
		t.Fatal("two fillers in a row")
	}
	s.llmDelay = 200 * time.Millisecond
	s.say("thanks", 0.95, true)
	s.run(4 * time.Second)
	if len(s.has("filler")) != 1 {
		t.Fatal("a filler before a quick reply")
	}
}

// The reply's audio arriving mid-filler cuts the filler at a frame, faded.
func TestFillerGivesWayToTheReply(t *testing.T) {
	set := withFillers()
	set.FillerPhrases[fillerQuestion] = []string{"Let me check that for you in our system right now."}
	s := newSim(t, set)
	s.llm = echo("We open at nine.")
	s.llmDelay = 1200 * time.Millisecond
	s.say("what time do you open", 0.95, true)
	s.run(6 * time.Second)
	heard := s.heardText()
	if !strings.HasPrefix(heard, "Let me") || !strings.HasSuffix(heard, "We open at nine.") || strings.Contains(heard, "right now") {
		t.Fatalf("heard %q: the filler did not give way", heard)
	}
}

func TestClassifyTurn(t *testing.T) {
	for text, want := range map[string]fillerKind{
		"what time do you open": fillerQuestion, "do you deliver?": fillerQuestion, "my order never arrived": fillerNegative,
		"thanks that is great": fillerPositive, "I would like a table for two": fillerNeutral, "": fillerNeutral,
	} {
		if got := classifyTurn(text); got != want {
			t.Errorf("classifyTurn(%q) = %v, want %v", text, got, want)
		}
	}
}

// Pronunciation rules change what the synthesiser is given, never what the
// caller is recorded as having heard.
func TestPronunciation(t *testing.T) {
	set := defaultSettings()
	set.Pronunciation = []assistant.PronunciationRule{{From: "Dr.", To: "Doctor"}, {From: "SQL", To: "sequel"}}
	s := newSim(t, set)
	s.alignWords = true
	s.llm = echo("Dr. Lee knows SQL well.")
	s.say("who can help", 0.95, true)
	s.run(5 * time.Second)
	if spoken := strings.Join(s.spoken[s.lastLLM()], " "); spoken != "Doctor Lee knows sequel well." {
		t.Fatalf("synthesised %q", spoken)
	}
	if m := s.lastMessage(); m.Content != "Dr. Lee knows SQL well." {
		t.Fatalf("history %q", m.Content)
	}
	if got := pronounce("Dr. SQL and Dr.", set.Pronunciation); got != "Doctor sequel and Doctor" {
		t.Fatalf("pronounce = %q", got)
	}
	// Cut short, the heard words are carried back to the text as said.
	tr := newTrack("r9", voice.Telephony)
	tr.addText("Dr. Lee knows SQL well.", "Doctor Lee knows sequel well.")
	tr.words = []voice.Word{{Text: "Doctor", End: 400 * time.Millisecond}, {Text: "Lee", Start: 400 * time.Millisecond, End: 600 * time.Millisecond},
		{Text: "knows", Start: 600 * time.Millisecond, End: 900 * time.Millisecond}, {Text: "sequel", Start: 900 * time.Millisecond, End: 1300 * time.Millisecond}}
	tr.heard = voice.Telephony.Bytes(time.Second)
	if got := tr.heardText(); got != "Dr. Lee knows" {
		t.Fatalf("heard %q", got)
	}
}

// Saying an end-call phrase ends the call politely.
func TestEndCallPhrase(t *testing.T) {
	set := defaultSettings()
	set.EndCallPhrases, set.EndCallMessage = []string{"that's all", "bye bye"}, "Thanks for calling, goodbye."
	s := newSim(t, set)
	s.llm = youSaid
	s.say("okay that's all thank you", 0.95, true)
	s.run(6 * time.Second)
	if s.hungUp != events.EndCallerPhrase || s.heardText() != "Thanks for calling, goodbye." || len(s.llmCalls) != 0 {
		t.Fatalf("hung up %q, heard %q, %d model calls", s.hungUp, s.heardText(), len(s.llmCalls))
	}
}

// With interruptions off, speech over a reply never cuts it: it is the
// caller's next turn, answered after.
func TestInterruptionsOff(t *testing.T) {
	set := defaultSettings()
	set.AllowInterruptions = false
	s := newSim(t, set)
	startLongReply(t, s)
	s.llm = echo("Sure.")
	s.say("stop please give me a human", 0.95, true)
	s.run(15 * time.Second)
	if s.clears != 0 || len(s.has("interruption")) != 0 {
		t.Fatalf("%d clears, interruptions %v", s.clears, s.has("interruption"))
	}
	if !strings.HasPrefix(s.heardText(), longReply) || !strings.HasSuffix(s.heardText(), "Sure.") {
		t.Fatalf("heard %q", s.heardText())
	}
}

// collect_keypad: the caller's keys go to the model, not to the turn.
func TestCollectKeypad(t *testing.T) {
	set := defaultSettings()
	set.Tools.CollectKeypad = assistant.CollectKeypadTool{Enabled: true, TimeoutSeconds: 5, StopKey: "#"}
	s := newSim(t, set)
	s.llm = func(msgs []voice.Message) llmReply {
		if last := msgs[len(msgs)-1]; last.Role == voice.RoleTool {
			return llmReply{text: "Thanks, got " + last.Content}
		}
		return llmReply{text: "Please type your account number, then pound.",
			calls: []voice.ToolCall{{ID: "k1", Name: ToolCollectKeypad, Arguments: `{}`}}}
	}
	s.say("check my account", 0.95, true)
	s.run(4 * time.Second)
	for _, d := range []string{"4", "2", "7", "#"} {
		s.m.CallerDTMF(s.now, d)
		s.run(300 * time.Millisecond)
	}
	s.run(5 * time.Second)
	if !strings.HasSuffix(s.heardText(), "Thanks, got The caller typed 427 (stop key).") {
		t.Fatalf("heard %q", s.heardText())
	}
	if n := len(s.has("turn")); n != 1 {
		t.Fatalf("%d turns: the keys became a turn", n)
	}
	// Without keys, the read ends after the timeout with none.
	s = newSim(t, set)
	s.llm = func(msgs []voice.Message) llmReply {
		if last := msgs[len(msgs)-1]; last.Role == voice.RoleTool {
			return llmReply{text: last.Content}
		}
		return llmReply{text: "Type it now.", calls: []voice.ToolCall{{ID: "k1", Name: ToolCollectKeypad, Arguments: `{}`}}}
	}
	s.say("check my account", 0.95, true)
	s.run(12 * time.Second)
	if !strings.HasSuffix(s.heardText(), "The caller typed (no digits) (no more keys).") {
		t.Fatalf("heard %q", s.heardText())
	}
}

// assistant_transfer: the same call goes on with the other assistant's
// configuration, which greets the caller if asked to.
func TestAssistantTransfer(t *testing.T) {
	set := defaultSettings()
	bye := "Let me put you through to billing."
	set.Tools.AssistantTransfer = assistant.AssistantTransferTool{Enabled: true,
		Targets: []assistant.AssistantTransfer{{AssistantID: 2, Message: &bye, SpeakGreeting: true}}}
	s := newSim(t, set)
	billing := defaultSettings()
	billing.AssistantID, billing.SystemPrompt, billing.Welcome = 2, "You are billing.", "Billing here, how can I help?"
	s.assistants = map[int64]Settings{2: billing}
	s.llm = func(msgs []voice.Message) llmReply {
		if msgs[0].Content == "You are billing." {
			return llmReply{text: "Your invoice is paid."}
		}
		return llmReply{calls: []voice.ToolCall{{ID: "a1", Name: ToolAssistantTransfer, Arguments: `{"assistant_id":2}`}}}
	}
	s.say("I have a billing question", 0.95, true)
	s.run(8 * time.Second)
	if got := s.heardText(); got != bye+" Billing here, how can I help?" {
		t.Fatalf("heard %q", got)
	}
	tr := s.has("assistant-transfer")
	if len(tr) != 1 || tr[0].(events.AssistantTransferred).To != 2 || !slices.Contains(s.applied, 1) {
		t.Fatalf("transfer events %v, applied %v", tr, s.applied)
	}
	s.say("is my invoice paid", 0.95, true)
	s.run(5 * time.Second)
	if !strings.HasSuffix(s.heardText(), "Your invoice is paid.") {
		t.Fatalf("heard %q", s.heardText())
	}
	// An assistant that is not a configured target is refused to the model.
	s = newSim(t, set)
	s.llm = func(msgs []voice.Message) llmReply {
		if last := msgs[len(msgs)-1]; last.Role == voice.RoleTool {
			return llmReply{text: "I can't do that."}
		}
		return llmReply{calls: []voice.ToolCall{{ID: "a1", Name: ToolAssistantTransfer, Arguments: `{"assistant_id":9}`}}}
	}
	s.say("transfer me", 0.95, true)
	s.run(5 * time.Second)
	if s.heardText() != "I can't do that." || len(s.has("assistant-transfer")) != 0 {
		t.Fatalf("heard %q", s.heardText())
	}
}
