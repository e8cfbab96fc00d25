package turn

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestIdlePromptsThenHangUp(t *testing.T) {
	set := defaultSettings()
	set.IdleTimeout = 5 * time.Second
	set.MaxIdleMessages = 2
	set.IdleMessages = []string{"Are you still there?"}
	set.SilenceFinal = "Goodbye."
	s := newSim(t, set)
	s.run(4900 * time.Millisecond)
	if len(s.has("idle-prompt")) != 0 {
		t.Fatal("prompted early")
	}
	s.run(200 * time.Millisecond)
	if len(s.has("idle-prompt")) != 1 {
		t.Fatal("no prompt after idle_timeout")
	}
	s.run(30 * time.Second)
	if n := len(s.has("idle-prompt")); n != 2 {
		t.Fatalf("%d prompts, want max_idle_messages = 2", n)
	}
	if s.hungUp != events.EndIdle {
		t.Fatalf("hung up %q", s.hungUp)
	}
	if got := s.heardText(); got != "Are you still there? Are you still there? Goodbye." {
		t.Fatalf("heard %q", got)
	}
	if !s.m.Ended() {
		t.Fatal("machine not ended")
	}
}

// Speech resets the idle timer.
func TestSpeechResetsIdle(t *testing.T) {
	set := defaultSettings()
	set.IdleTimeout = 5 * time.Second
	set.MaxIdleMessages = 1
	s := newSim(t, set)
	s.llm = echo("Sure.")
	s.run(4 * time.Second)
	s.say("hello", 0.95, true)
	s.run(5 * time.Second)
	if len(s.has("idle-prompt")) != 0 {
		t.Fatal("prompted right after the caller spoke")
	}
}

func TestMaxCallLength(t *testing.T) {
	set := defaultSettings()
	set.MaxCallLength = 10 * time.Second
	set.EndCallMessage = "We have run out of time, goodbye."
	s := newSim(t, set)
	s.llm = echo(longReply)
	s.run(8 * time.Second)
	s.say("tell me everything", 0.95, true)
	s.run(20 * time.Second)
	if s.hungUp != events.EndMaxDuration {
		t.Fatalf("hung up %q", s.hungUp)
	}
	if !strings.HasSuffix(s.heardText(), "We have run out of time, goodbye.") || strings.HasSuffix(s.heardText(), longReply+" We have run out of time, goodbye.") {
		t.Fatalf("heard %q: the reply should be cut for the goodbye", s.heardText())
	}
	if s.clears != 1 {
		t.Fatalf("%d clears", s.clears)
	}
}

func speculative() Settings {
	set := defaultSettings()
	set.Speculative = true
	set.SpeculativeStreamTTS = false
	set.SpeculativeDebounce = 300 * time.Millisecond
	set.SpeculativeMinWords = 3
	set.SpeculativeMatch = 0.85
	return set
}

func TestSpeculativeHit(t *testing.T) {
	s := newSim(t, speculative())
	s.llm = echo("A table for two, certainly.")
	s.say("book a table for two", 0.95, false) // final without endpoint
	s.run(400 * time.Millisecond)              // the debounce passes: the model starts
	if len(s.llmCalls) != 1 {
		t.Fatalf("%d model calls before the final", len(s.llmCalls))
	}
	if s.heardText() != "" {
		t.Fatal("held speculative audio played before the final")
	}
	s.m.HandleSTT(s.now, &voice.EndOfTurn{}) // the provider's endpoint
	s.run(4 * time.Second)
	spec := s.has("speculation")
	if len(spec) != 1 || !spec[0].(events.Speculation).Hit || len(s.llmCalls) != 1 {
		t.Fatalf("speculation %v, %d model calls", spec, len(s.llmCalls))
	}
	if s.heardText() != "A table for two, certainly." {
		t.Fatalf("heard %q", s.heardText())
	}
	h := s.m.History()
	if h[len(h)-2].Content != "book a table for two" || h[len(h)-1].Content != "A table for two, certainly." {
		t.Fatalf("history %+v", h)
	}
	// The model started 300 ms before the endpoint: its first token came
	// that much sooner than without speculation.
	st := s.has("stage-timings")[0].(events.StageTimings)
	if !st.Speculative || st.LLMFirstToken != s.llmDelay-100*time.Millisecond {
		t.Fatalf("timings %+v", st)
	}
}

func TestSpeculativeMiss(t *testing.T) {
	s := newSim(t, speculative())
	s.llm = func(msgs []voice.Message) llmReply {
		return llmReply{text: "You said " + msgs[len(msgs)-1].Content + "."}
	}
	s.say("book a table for two", 0.95, false)
	s.run(400 * time.Millisecond)
	s.say("no wait cancel my booking", 0.95, true)
	s.run(5 * time.Second)
	if len(s.llmCalls) < 2 {
		t.Fatalf("%d model calls", len(s.llmCalls))
	}
	for _, e := range s.has("speculation") {
		if e.(events.Speculation).Hit {
			t.Fatalf("a changed transcript counted as a hit: %v", e)
		}
	}
	if got := s.heardText(); got != "You said book a table for two no wait cancel my booking." {
		t.Fatalf("heard %q", got)
	}
}

// A configuration change mid-reply waits for the turn boundary; the next
// turn uses it and records its version.
func TestConfigChangeAtNextTurn(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	next := defaultSettings()
	next.Version = 2
	next.SystemPrompt = "You are version two."
	s.m.ChangeConfig(s.now, next)
	if len(s.has("config-applied")) != 0 {
		t.Fatal("applied mid-utterance")
	}
	s.run(15 * time.Second)
	if s.heardText() != longReply {
		t.Fatal("the reply was disturbed")
	}
	if len(s.has("config-applied")) != 1 {
		t.Fatal("not applied at the end of the reply")
	}
	s.llm = echo("Version two here.")
	s.say("who are you", 0.95, true)
	s.run(5 * time.Second)
	msgs := s.llmCalls[s.lastLLM()]
	if msgs[0].Content != "You are version two." {
		t.Fatalf("system prompt %q", msgs[0].Content)
	}
	turns := s.has("turn")
	if v := turns[len(turns)-1].(events.TurnCommitted).ConfigVersion; v != 2 {
		t.Fatalf("turn recorded version %d", v)
	}
	tm := s.has("stage-timings")
	if v := tm[len(tm)-1].(events.StageTimings).ConfigVersion; v != 2 {
		t.Fatalf("timings recorded version %d", v)
	}
}

func TestEndCallTool(t *testing.T) {
	set := defaultSettings()
	set.EndCallMessage = "Thank you for calling, goodbye."
	s := newSim(t, set)
	s.llm = func([]voice.Message) llmReply {
		return llmReply{text: "Glad I could help.", calls: []voice.ToolCall{{ID: "c1", Name: ToolEndCall, Arguments: `{}`}}}
	}
	s.say("that is all thanks", 0.95, true)
	s.run(10 * time.Second)
	if s.hungUp != events.EndAssistantTool {
		t.Fatalf("hung up %q", s.hungUp)
	}
	if s.heardText() != "Glad I could help. Thank you for calling, goodbye." {
		t.Fatalf("heard %q: the goodbye must play out before the hang-up", s.heardText())
	}
	tc := s.has("tool-call")
	if len(tc) != 1 || tc[0].(events.ToolCalled).Name != ToolEndCall {
		t.Fatalf("tool events %v", tc)
	}
}

func TestTransferTool(t *testing.T) {
	set := defaultSettings()
	set.TransferCallMessage = "Connecting you now."
	set.Tools.TransferCall.TransferNumbers = []string{"+18005550100", "+18005550199"}
	s := newSim(t, set)
	s.llm = func([]voice.Message) llmReply {
		return llmReply{calls: []voice.ToolCall{{ID: "c1", Name: ToolTransferCall, Arguments: `{"destination":"+18005550199"}`}}}
	}
	s.say("let me talk to a person", 0.95, true)
	s.run(10 * time.Second)
	if s.transferred != "+18005550199" || s.heardText() != "Connecting you now." {
		t.Fatalf("transferred to %q after %q", s.transferred, s.heardText())
	}
}

// A custom tool's result goes back to the model, which then answers.
func TestCustomToolRoundTrip(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.tool = func(c voice.ToolCall) (string, error) { return `{"status":"shipped"}`, nil }
	s.llm = func(msgs []voice.Message) llmReply {
		if last := msgs[len(msgs)-1]; last.Role == voice.RoleTool {
			return llmReply{text: "Your order has shipped."}
		}
		return llmReply{text: "Let me check.", calls: []voice.ToolCall{{ID: "c9", Name: "order_status", Arguments: `{"id":"42"}`}}}
	}
	s.say("where is order forty two", 0.95, true)
	s.run(10 * time.Second)
	if s.heardText() != "Let me check. Your order has shipped." {
		t.Fatalf("heard %q", s.heardText())
	}
	h := s.m.History()
	roles := []voice.Role{}
	for _, m := range h[2:] {
		roles = append(roles, m.Role)
	}
	if !slices.Equal(roles, []voice.Role{voice.RoleAssistant, voice.RoleTool, voice.RoleAssistant}) || h[3].ToolCallID != "c9" {
		t.Fatalf("history %+v", h)
	}
}

func TestSendDTMFTool(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = func(msgs []voice.Message) llmReply {
		if msgs[len(msgs)-1].Role == voice.RoleTool {
			return llmReply{text: "Done."}
		}
		return llmReply{calls: []voice.ToolCall{{ID: "d", Name: ToolSendDTMF, Arguments: `{"digits":"1#"}`}}}
	}
	s.say("press one then pound", 0.95, true)
	s.run(5 * time.Second)
	if !slices.Equal(s.dtmfSent, []string{"1#"}) || s.heardText() != "Done." {
		t.Fatalf("sent %v, heard %q", s.dtmfSent, s.heardText())
	}
}

// Acknowledgements go into pauses of a long caller turn, never over the
// caller's words, and never into the history.
func TestBackchannelsInPauses(t *testing.T) {
	set := defaultSettings()
	set.BackchannelInterval = 2500 * time.Millisecond
	s := newSim(t, set)
	s.llm = echo("I understand.")
	s.say("so yesterday I called about my internet connection", 0.95, false)
	s.run(600 * time.Millisecond)
	if len(s.backchannels) != 1 {
		t.Fatalf("%d acknowledgements in the pause", len(s.backchannels))
	}
	heardBefore := s.heardText()
	s.say("and nobody ever called me back about it", 0.95, true)
	s.run(5 * time.Second)
	if !strings.HasPrefix(heardBefore, "Mm-hmm.") {
		t.Fatalf("acknowledgement not heard: %q", heardBefore)
	}
	for _, m := range s.m.History() {
		if strings.Contains(m.Content, "Mm-hmm") {
			t.Fatal("an acknowledgement entered the history")
		}
	}
	if len(s.llmCalls) != 1 {
		t.Fatalf("%d model calls", len(s.llmCalls))
	}
	if len(s.has("backchannel")) != 1 {
		t.Fatal("no backchannel event")
	}
}

// An acknowledgement stops the moment the caller goes on.
func TestBackchannelStopsWhenCallerSpeaks(t *testing.T) {
	set := defaultSettings()
	set.BackchannelInterval = 2500 * time.Millisecond
	s := newSim(t, set)
	s.say("so yesterday I called about my internet connection", 0.95, false)
	s.run(460 * time.Millisecond) // the acknowledgement has just started
	s.m.HandleSTT(s.now, &voice.SpeechStarted{})
	if s.clears != 1 {
		t.Fatalf("%d clears: the acknowledgement was not stopped", s.clears)
	}
}

func TestKeypadInput(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("Thanks.")
	s.m.CallerDTMF(s.now, "1")
	s.run(500 * time.Millisecond)
	s.m.CallerDTMF(s.now, "2")
	s.run(2 * time.Second)
	if len(s.llmCalls) != 1 || s.llmCalls[1][1].Content != "[keypad: 12]" {
		t.Fatalf("calls %v", s.llmCalls)
	}
}

// With word timings from the TTS, the history keeps exactly the words
// played before the barge-in.
func TestTruncationUsesWordTimings(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.alignWords = true
	startLongReply(t, s)
	s.llm = echo("Okay.")
	s.say("stop stop stop", 0.95, true)
	s.run(3 * time.Second)
	msgs := s.llmCalls[s.lastLLM()]
	kept := msgs[len(msgs)-2].Content
	// The carrier plays whole words; the caller heard the history's words,
	// plus at most the word that was cut.
	heard := strings.Fields(strings.TrimSuffix(s.heardText(), " Okay."))
	keptWords := strings.Fields(kept)
	if len(heard) < len(keptWords) || len(heard) > len(keptWords)+1 || !slices.Equal(heard[:len(keptWords)], keptWords) {
		t.Fatalf("history kept %q, caller heard %q", kept, heard)
	}
}
