package turn

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// final delivers the recogniser's final for speech already heard.
func (s *sim) final(text string) {
	s.m.HandleSTT(s.now, &voice.Transcript{Text: text, Confidence: 0.97, Final: true, SpeechFinal: true, Words: wordsOf(strings.Fields(text), 0.97)})
}

func (s *sim) userMessages() []string {
	var out []string
	for _, m := range s.m.History() {
		if m.Role == voice.RoleUser {
			out = append(out, m.Content)
		}
	}
	return out
}

// A turn taken on its interim at the utterance timeout is not taken again
// when the recogniser's final for the same words arrives, whether the
// reply is still being written or already heard: the final only replaces
// the interim's text in the history.
func TestLateFinalIsTheSameTurn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration // from the turn's commit to the final
	}{
		{"while thinking", 10 * time.Millisecond},
		{"while speaking", 600 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, defaultSettings())
			s.llm = youSaid
			s.sayUnfinalised("what are your hours", 0.95)
			s.run(s.m.set.UtteranceTimeout)
			if len(s.llmCalls) != 1 || s.finalizes != 1 {
				t.Fatalf("at the utterance timeout: %d model calls, %d finalize requests", len(s.llmCalls), s.finalizes)
			}
			s.run(tc.after)
			s.final("What are your hours?")
			s.run(6 * time.Second)
			if len(s.llmCalls) != 1 || len(s.has("interruption")) != 0 {
				t.Fatalf("the final was taken as speech: %d model calls, %d interruptions", len(s.llmCalls), len(s.has("interruption")))
			}
			if got := s.userMessages(); len(got) != 1 || got[0] != "What are your hours?" {
				t.Fatalf("user messages %q", got)
			}
			if s.heardText() != "You said what are your hours." {
				t.Fatalf("heard %q", s.heardText())
			}
			if n := len(s.has("transcript")); n == 0 {
				t.Fatal("the final was not published for the record")
			}
		})
	}
}

// A final that changes the words of a turn nobody has heard an answer to
// yet restarts the reply on what the caller said.
func TestLateFinalWithOtherWordsRestartsTheUnheardReply(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = youSaid
	s.sayUnfinalised("what are your ours", 0.8)
	s.run(s.m.set.UtteranceTimeout + 10*time.Millisecond)
	first := s.lastLLM()
	s.final("What are your hours?")
	s.run(6 * time.Second)
	if !s.cancelled[first] || len(s.llmCalls) != 2 {
		t.Fatalf("reply not restarted: %d model calls, first cancelled %v", len(s.llmCalls), s.cancelled[first])
	}
	if s.heardText() != "You said What are your hours?." {
		t.Fatalf("heard %q", s.heardText())
	}
	if got := s.userMessages(); len(got) != 1 || got[0] != "What are your hours?" {
		t.Fatalf("user messages %q", got)
	}
}

// A final carrying the taken words and more is the caller going on: the
// reply nobody heard is withdrawn and the whole is answered once.
func TestLateFinalThatGoesOn(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = youSaid
	s.sayUnfinalised("what are your hours", 0.95)
	s.run(s.m.set.UtteranceTimeout + 10*time.Millisecond)
	s.final("What are your hours and where are you?")
	s.run(8 * time.Second)
	if got := s.userMessages(); len(got) != 1 || got[0] != "What are your hours and where are you?" {
		t.Fatalf("user messages %q", got)
	}
	if !strings.HasSuffix(s.heardText(), "You said What are your hours and where are you?.") || strings.Count(s.heardText(), "You said") != 1 {
		t.Fatalf("heard %q", s.heardText())
	}
}

// While a turn that looks unfinished waits for more, the final of its
// interim replaces it rather than doubling the words.
func TestLateFinalInAnUnfinishedTurn(t *testing.T) {
	set := defaultSettings()
	set.IncompleteDetection = true
	s := newSim(t, set)
	s.llm = youSaid
	s.sayUnfinalised("I want to", 0.95)
	s.run(s.m.set.UtteranceTimeout + 10*time.Millisecond)
	if len(s.llmCalls) != 0 {
		t.Fatalf("an unfinished turn was answered at once: %v", s.llmCalls)
	}
	s.final("I want to")
	s.run(6 * time.Second)
	if got := s.userMessages(); len(got) != 1 || got[0] != "I want to" {
		t.Fatalf("user messages %q", got)
	}
}

// The same words said again after the final was due are a new turn.
func TestRepeatAfterTheSettleWaitIsATurn(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = youSaid
	s.sayUnfinalised("what are your hours", 0.95)
	s.run(s.m.set.UtteranceTimeout + settleWait + time.Second) // no final ever comes
	s.say("what are your hours", 0.95, true)
	s.run(6 * time.Second)
	if got := s.userMessages(); len(got) != 2 {
		t.Fatalf("user messages %q", got)
	}
}

// With speculative replies the guess made on the interim is kept at the
// utterance timeout, and its late final settles it as well.
func TestLateFinalAfterAKeptGuess(t *testing.T) {
	s := newSim(t, speculative())
	s.llm = youSaid
	s.sayUnfinalised("what are your hours", 0.95)
	s.run(s.m.set.UtteranceTimeout + 10*time.Millisecond)
	s.final("What are your hours?")
	s.run(6 * time.Second)
	if len(s.llmCalls) != 1 || s.heardText() != "You said what are your hours." {
		t.Fatalf("%d model calls, heard %q", len(s.llmCalls), s.heardText())
	}
	if got := s.userMessages(); len(got) != 1 || got[0] != "What are your hours?" {
		t.Fatalf("user messages %q", got)
	}
}
