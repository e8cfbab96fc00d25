package call

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// A recogniser that stays down past what the backlog of caller audio can
// bridge is not hidden behind "recovered" errors: the caller is told, the
// call ends saying why, and no failure is reported as recovered.
func TestRecogniserThatStaysDownEndsTheCall(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA-deaf")
	h.until(time.Second, "stream open", func() bool { return h.stt.Last() != nil })
	h.stt.FailOpens(errors.New("recogniser unavailable"))
	h.stt.Last().Fail()
	h.until(20*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	if cl.heard() != cannotHear || cl.call.Reason() != events.EndRecognitionFailed {
		t.Fatalf("heard %q, reason %q", cl.heard(), cl.call.Reason())
	}
	errs := h.sink.of(cl.call.ID, "provider-error")
	if len(errs) < 3 {
		t.Fatalf("provider errors %v: the retries are not reported", errs)
	}
	for i, e := range errs {
		if pe := e.(events.ProviderError); pe.Service != "stt" || pe.Recovered {
			t.Fatalf("provider error %d of %d: %+v", i+1, len(errs), pe)
		}
	}
}

// A configuration change reopens a stream only when it changes what the
// stream is opened with, and only at the turn boundary.
func TestConfigChangeReopensOnlyTheStreamsItChanges(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA-cfg")
	h.until(time.Second, "subscribed", func() bool { return h.asst.subscribers() == 1 })
	h.asst.change(func(c *assistant.Config) { c.LLMSettings.SystemPrompt = "You are version two." })
	cl.speak("first")
	h.until(10*time.Second, "first reply", func() bool { return cl.heard() == "You said: first" })
	if n, m := len(h.stt.Streams()), h.tts.Sessions(); n != 1 || m != 1 {
		t.Fatalf("a prompt change opened %d recognition streams and %d synthesis sessions", n, m)
	}
	h.until(5*time.Second, "first reply over", func() bool { return len(h.sink.of(cl.call.ID, "reply-finished")) == 1 })
	h.llm.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
		return "Second, and a long answer that takes a good few seconds to say in full.", nil
	}
	cl.speak("second")
	h.until(10*time.Second, "second reply playing", func() bool { return strings.Contains(cl.heard(), "Second") })
	h.asst.change(func(c *assistant.Config) { c.STTSettings.Language = "de" })
	h.run(500 * time.Millisecond)
	if n := len(h.stt.Streams()); n != 1 {
		t.Fatal("the recogniser was replaced in the middle of a reply")
	}
	h.until(20*time.Second, "the new recogniser after the reply", func() bool { return len(h.stt.Streams()) == 2 })
	if !strings.HasSuffix(cl.heard(), "in full.") {
		t.Fatalf("the reply was disturbed: %q", cl.heard())
	}
	h.llm.Reply = nil
	cl.speak("third")
	h.until(10*time.Second, "third reply", func() bool { return strings.HasSuffix(cl.heard(), "You said: third") })
	if !h.stt.Streams()[0].Closed() || h.tts.Sessions() != 1 {
		t.Fatalf("old recogniser closed %v, %d synthesis sessions", h.stt.Streams()[0].Closed(), h.tts.Sessions())
	}
}

// A recognition stream that lost caller audio says so: the words in it are
// gone, so that error is not reported as recovered; a drop it recovers
// from by itself is.
func TestLostAudioIsNotRecovered(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA-lost")
	h.until(time.Second, "stream open", func() bool { return h.stt.Last() != nil })
	h.stt.Last().Emit(&voice.STTError{Err: errors.New("connection dropped")})
	h.stt.Last().Emit(&voice.STTError{Err: fmt.Errorf("audio dropped, service too far behind: %w", voice.ErrAudioLost)})
	h.until(5*time.Second, "errors", func() bool { return len(h.sink.of(cl.call.ID, "provider-error")) == 2 })
	errs := h.sink.of(cl.call.ID, "provider-error")
	if !errs[0].(events.ProviderError).Recovered || errs[1].(events.ProviderError).Recovered {
		t.Fatalf("provider errors %+v", errs)
	}
}
