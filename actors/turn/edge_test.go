package turn

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Deepgram Flux: an eager end of turn starts the reply speculatively, a
// resumed turn drops it, and the end of turn carries the turn's text.
func TestFluxEagerAndResumed(t *testing.T) {
	set := speculative()
	set.SpeculativeMinWords = 10 // only Flux's eager end of turn starts a guess
	s := newSim(t, set)
	s.llm = func(msgs []voice.Message) llmReply {
		return llmReply{text: "Reply to " + msgs[len(msgs)-1].Content + "."}
	}
	s.m.HandleSTT(s.now, &voice.SpeechStarted{})
	s.m.HandleSTT(s.now, &voice.Transcript{Text: "I need", Confidence: 0.9})
	s.run(time.Second)
	s.m.HandleSTT(s.now, &voice.EagerEndOfTurn{Text: "I need a taxi"})
	if len(s.llmCalls) != 1 {
		t.Fatal("eager end of turn did not start the model")
	}
	s.m.HandleSTT(s.now, &voice.TurnResumed{})
	if spec := s.has("speculation"); len(spec) != 1 || spec[0].(events.Speculation).Hit {
		t.Fatalf("resumed turn: %v", spec)
	}
	s.run(time.Second)
	s.m.HandleSTT(s.now, &voice.EndOfTurn{Text: "I need a taxi to the airport", Confidence: 0.9})
	s.run(5 * time.Second)
	if s.heardText() != "Reply to I need a taxi to the airport." {
		t.Fatalf("heard %q", s.heardText())
	}
}

// Streaming a guess to synthesis (speculative_stream_to_tts) gets its
// audio ready early, but none of it reaches the caller before their turn
// is over: a caller pausing mid-sentence hears nothing, and the answer is
// to the whole sentence.
func TestSpeculativeStreamingIsNeverHeardEarly(t *testing.T) {
	set := speculative()
	set.SpeculativeStreamTTS = true
	s := newSim(t, set)
	s.llm = func(msgs []voice.Message) llmReply {
		return llmReply{text: "Answer to " + msgs[len(msgs)-1].Content + "."}
	}
	s.say("what time do you", 0.95, false)
	s.run(2 * time.Second) // the guess is written and synthesised meanwhile
	if len(s.spoken) == 0 {
		t.Fatal("the guess was not streamed to synthesis")
	}
	if s.heardText() != "" {
		t.Fatalf("the caller heard %q of a guess mid-sentence", s.heardText())
	}
	s.say("close on sundays", 0.95, true)
	s.run(6 * time.Second)
	if got := s.heardText(); got != "Answer to what time do you close on sundays." {
		t.Fatalf("heard %q", got)
	}
	if s.clears != 0 {
		t.Fatalf("%d clears: guessed audio was sent to the carrier", s.clears)
	}
}

// A streamed guess that the final transcript confirms plays at once: its
// audio is ready when the turn ends.
func TestSpeculativeStreamingHitPlaysAtOnce(t *testing.T) {
	set := speculative()
	set.SpeculativeStreamTTS = true
	s := newSim(t, set)
	s.llm = echo("A table for two, certainly.")
	s.say("book a table for two", 0.95, false)
	s.run(time.Second)
	if s.heardText() != "" {
		t.Fatal("the guess was heard before the end of the turn")
	}
	s.m.HandleSTT(s.now, &voice.EndOfTurn{})
	s.run(3 * time.Second)
	st := s.has("stage-timings")
	if len(st) != 1 || s.heardText() != "A table for two, certainly." {
		t.Fatalf("heard %q, timings %v", s.heardText(), st)
	}
	if d := st[0].(events.StageTimings).FirstFrameOut; d != 0 {
		t.Fatalf("the first frame went out %v after the end of the turn, want at once", d)
	}
}

// When synthesis is slower than real time, playback waits for audio and
// restarts with a fresh lead: every word is still heard, in order.
func TestPlaybackUnderrun(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.llm = echo("One. Two. Three. Four.")
	s.say("count", 0.95, true)
	s.run(500 * time.Millisecond)
	s.ttsDelay = 2 * time.Second // later chunks arrive long after the first played
	s.run(20 * time.Second)
	if s.heardText() != "One. Two. Three. Four." {
		t.Fatalf("heard %q", s.heardText())
	}
}

func TestTTSFailureEndsTheReply(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.say("hello", 0.95, true)
	s.run(100 * time.Millisecond)
	id := s.lastLLM()
	s.reply(id, "Hi there.")
	s.m.HandleTTS(s.now, id, &voice.TTSError{Err: errorString("tts down")})
	s.run(3 * time.Second)
	if len(s.has("reply-finished")) != 1 || len(s.has("provider-error")) != 1 {
		t.Fatalf("events %v", s.events)
	}
	s.llm = echo("Still here.")
	s.say("hello again", 0.95, true)
	s.run(3 * time.Second)
	if s.heardText() != "Still here." {
		t.Fatalf("the next turn did not work after a TTS failure: %q", s.heardText())
	}
}

func TestSettingsFrom(t *testing.T) {
	c := assistant.Defaults()
	idle, maxLen := 20, 300
	c.IdleTimeout, c.MaxCallLength = &idle, &maxLen
	c.BackchannelSettings = assistant.BackchannelSettings{Enabled: true, Frequency: 5}
	s := SettingsFrom(1, &c, 7)
	if s.Version != 7 || s.IdleTimeout != 20*time.Second || s.MaxIdleMessages != defaultMaxIdleMessages ||
		s.MaxCallLength != 5*time.Minute || s.BackchannelInterval != 2500*time.Millisecond ||
		s.UtteranceTimeout != 2650*time.Millisecond || s.ConfirmWindow != 400*time.Millisecond ||
		s.TailProtection != 2*time.Second || len(s.IdleMessages) != 1 || s.IdleMessages[0] != assistant.DefaultIdleMessage {
		t.Fatalf("settings %+v", s)
	}
	c.BackchannelSettings.Enabled = false
	if SettingsFrom(1, &c, 1).BackchannelInterval != 0 {
		t.Fatal("disabled backchannels have an interval")
	}
}

// After the carrier ends the call, nothing more happens.
func TestCarrierGone(t *testing.T) {
	s := newSim(t, defaultSettings())
	startLongReply(t, s)
	s.m.CarrierGone(s.now)
	if !s.m.Ended() || !s.cancelled[s.lastLLM()] {
		t.Fatal("in-flight work not stopped")
	}
	if _, ok := s.m.NextDeadline(); ok {
		t.Fatal("deadlines after the call ended")
	}
}

// Word timings may arrive after the audio they describe.
func TestWordsWithoutAudio(t *testing.T) {
	s := newSim(t, defaultSettings())
	s.say("hello", 0.95, true)
	s.run(100 * time.Millisecond)
	id := s.lastLLM()
	s.reply(id, "One two three.")
	r := s.m.reply
	s.m.HandleTTS(s.now, id, &voice.TTSAudio{Words: []voice.Word{{Text: "late", Start: 0, End: time.Second}}})
	if len(r.track.words) != 1 || r.track.words[0].Text != "late" {
		t.Fatalf("words without audio dropped: %+v", r.track.words)
	}
}
