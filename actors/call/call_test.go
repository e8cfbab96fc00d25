package call

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// protoactor's throttled dead-letter logging keeps a goroutine per system
// for a while after use; it is not a call's.
var ignoreActorRuntime = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"),
}

func welcome(text string) func(*assistant.Config) {
	return func(c *assistant.Config) { c.LLMSettings.WelcomeMessage = &text }
}

func TestConversationThroughTheActor(t *testing.T) {
	h := newHarness(t, welcome("Hello there."))
	cl := h.start("CA1")
	h.until(3*time.Second, "welcome", func() bool { return cl.heard() == "Hello there." })
	cl.speak("what are your hours")
	h.until(10*time.Second, "reply", func() bool { return cl.heard() == "Hello there. You said: what are your hours" })

	reqs := h.llm.Requests()
	if len(reqs) != 1 || reqs[0].Messages[0].Content != "You are a test." || reqs[0].Messages[2].Content != "what are your hours" {
		t.Fatalf("model requests %+v", reqs)
	}
	if len(h.sink.of("CA1", "stage-timings")) != 1 || len(h.sink.of("CA1", "call-started")) != 1 {
		t.Fatal("events missing")
	}
	cl.call.Stopped()
	h.until(time.Second, "end", func() bool { return h.ended(cl) })
	end := h.sink.of("CA1", "call-ended")
	if len(end) != 1 || end[0].(events.CallEnded).Reason != events.EndCallerHungUp {
		t.Fatalf("ended %v", end)
	}
	if h.asst.subscribers() != 0 || h.tts.Open() != 0 || !h.stt.Last().Closed() {
		t.Fatal("subscription or provider streams left open")
	}
}

// A barge-in reaches the carrier (clear) and the model (cancel) through
// the actor.
func TestBargeInThroughTheActor(t *testing.T) {
	h := newHarness(t, nil)
	h.llm.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
		return "I can help with orders, returns, deliveries, billing, and a great many other things besides.", nil
	}
	cl := h.start("CA2")
	cl.speak("help")
	h.until(10*time.Second, "reply playing", func() bool { return len(cl.line.Heard()) >= 4 })
	cl.speak("stop right there please")
	h.until(5*time.Second, "cleared", func() bool { return cl.line.Clears() == 1 })
	h.until(5*time.Second, "next reply", func() bool { return len(h.llm.Requests()) == 2 })
	msgs := h.llm.Requests()[1].Messages
	kept := msgs[len(msgs)-2].Content
	if kept == "" || len(kept) >= len("I can help with orders, returns, deliveries, billing, and a great many other things besides.") {
		t.Fatalf("history kept %q of the interrupted reply", kept)
	}
	if len(h.sink.of("CA2", "interruption")) < 2 {
		t.Fatalf("interruption events %v", h.sink.of("CA2", "interruption"))
	}
}

// A recognition stream that dies is reopened without dropping the call.
func TestRecognitionStreamIsRestarted(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA3")
	h.until(time.Second, "stream open", func() bool { return h.stt.Last() != nil })
	h.stt.Last().Fail()
	h.until(3*time.Second, "stream reopened", func() bool { return len(h.stt.Streams()) == 2 })
	cl.speak("are you still there")
	h.until(10*time.Second, "reply", func() bool { return cl.heard() == "You said: are you still there" })
	if !h.stt.Streams()[0].Closed() {
		t.Fatal("the failed stream was not closed")
	}
	errs := h.sink.of("CA3", "provider-error")
	if len(errs) != 1 || !errs[0].(events.ProviderError).Recovered {
		t.Fatalf("provider errors %v", errs)
	}
}

// A configuration change reaches a live call and applies at the next turn.
func TestConfigChangeReachesTheCall(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA4")
	h.until(time.Second, "subscribed", func() bool { return h.asst.subscribers() == 1 })
	h.asst.change(func(c *assistant.Config) { c.LLMSettings.SystemPrompt = "You are version two." })
	cl.speak("who are you")
	h.until(10*time.Second, "reply", func() bool { return len(h.llm.Requests()) == 1 })
	if got := h.llm.Requests()[0].Messages[0].Content; got != "You are version two." {
		t.Fatalf("system prompt %q", got)
	}
	turns := h.sink.of("CA4", "turn")
	if v := turns[0].(events.TurnCommitted).ConfigVersion; v != 2 {
		t.Fatalf("turn used version %d", v)
	}
}

func TestMaxCallLengthThroughTheActor(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		n, bye := 2, "Time is up."
		c.MaxCallLength, c.EndCallMessage = &n, &bye
	})
	cl := h.start("CA5")
	h.until(10*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait() // the hang-up request runs off the actor
	if cl.heard() != "Time is up." || !cl.line.HungUp() || cl.call.Reason() != events.EndMaxDuration {
		t.Fatalf("heard %q, hung up %v, reason %q", cl.heard(), cl.line.HungUp(), cl.call.Reason())
	}
}

// Ending a call from outside (the API, a drain) says goodbye first.
func TestEndFromOutside(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA6")
	cl.call.End(events.EndTerminated, "Goodbye now.")
	h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
	if cl.heard() != "Goodbye now." || cl.call.Reason() != events.EndTerminated {
		t.Fatalf("heard %q, reason %q", cl.heard(), cl.call.Reason())
	}
	if _, err := h.mgr.Start(t.Context(), Spec{CallInfo: voice.CallInfo{ID: "CA6", AssistantID: 1, OrganizationID: 1}, Line: cl.line}); err != nil {
		t.Fatalf("the ended call's ID is still taken: %v", err)
	}
}

// A later leg of a carrier call waits for the earlier leg to end: while
// it is live the wait runs out, once it has ended the wait returns and the
// ID is free to start again.
func TestLaterLegAwaitsTheEarlier(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.mgr.AwaitEnded(t.Context(), "CA10"); err != nil {
		t.Fatalf("no call of that ID: %v", err)
	}
	cl := h.start("CA10")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := h.mgr.AwaitEnded(ctx, "CA10"); !errors.Is(err, context.Canceled) {
		t.Fatalf("the earlier leg is live: %v", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- h.mgr.AwaitEnded(t.Context(), "CA10") }()
	cl.call.End(events.EndTransferred, "")
	h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("after the earlier leg ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting after the earlier leg ended")
	}
	if _, err := h.mgr.Start(t.Context(), Spec{CallInfo: voice.CallInfo{ID: "CA10", AssistantID: 1, OrganizationID: 1}, Line: cl.line}); err != nil {
		t.Fatalf("the later leg: %v", err)
	}
}

func TestDrainRefusesNewCalls(t *testing.T) {
	h := newHarness(t, nil)
	cl := h.start("CA7")
	h.mgr.Drain(events.EndShutdown, "", 0)
	h.until(time.Second, "ended", func() bool { return h.ended(cl) })
	if _, err := h.mgr.Start(t.Context(), Spec{CallInfo: voice.CallInfo{ID: "CA8", AssistantID: 1, OrganizationID: 1}, Line: cl.line}); !errors.Is(err, ErrDraining) {
		t.Fatalf("start while draining: %v", err)
	}
}

// A model that fails on every provider gets an apology, not silence.
func TestModelFailureThroughTheActor(t *testing.T) {
	h := newHarness(t, nil)
	h.llm.Err = errors.New("all providers down")
	cl := h.start("CA9")
	cl.speak("hello")
	h.until(10*time.Second, "apology", func() bool { return len(cl.line.Heard()) > 0 && !cl.line.HungUp() && cl.heard() != "" })
	h.until(10*time.Second, "apology heard", func() bool {
		return cl.heard() == "I'm sorry, I'm having trouble right now. Could you say that again?"
	})
}

// A thousand calls, each a full turn, run and end in one process, and no
// goroutine is left behind.
func TestThousandCallsLeaveNothingBehind(t *testing.T) {
	before := goleak.IgnoreCurrent()
	h := newHarness(t, nil)
	const n = 1000
	var calls []*caller
	for i := range n {
		cl := h.start(fmt.Sprintf("CA%04d", i))
		cl.speak("hello")
		calls = append(calls, cl)
	}
	h.until(10*time.Second, "every call answered", func() bool {
		for _, cl := range calls {
			if cl.heard() != "You said: hello" {
				return false
			}
		}
		return true
	})
	for _, cl := range calls {
		cl.call.Stopped()
	}
	h.until(time.Second, "every call ended", func() bool { return h.mgr.Count() == 0 })
	h.mgr.Wait()
	h.sys.Shutdown()
	h.mgr.Close()
	if h.tts.Open() != 0 || h.asst.subscribers() != 0 {
		t.Fatalf("%d synthesis sessions, %d subscriptions left", h.tts.Open(), h.asst.subscribers())
	}
	for _, s := range h.stt.Streams() {
		if !s.Closed() {
			t.Fatal("a recognition stream was left open")
		}
	}
	goleak.VerifyNone(t, append(ignoreActorRuntime, before)...)
}

// A warm transfer carries the model's brief for the agent.
func TestWarmTransferIsBriefed(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		unavailable := "Nobody is free right now."
		c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferType: "warm", AgentConfirmation: true,
			TransferNumbers: []string{"+18005550100"}, UnavailableMessage: &unavailable}
	})
	h.llm.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if req.Messages[0].Content == summaryPrompt {
			return "The caller wants a refund.", nil
		}
		return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{}`}}
	}
	cl := h.start("CAW")
	cl.speak("I want a refund from a person")
	h.until(10*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	got := cl.line.Transferred()
	if got.To != "+18005550100" || !got.Warm || !got.AgentConfirmation || got.Summary != "The caller wants a refund." ||
		got.UnavailableMessage != "Nobody is free right now." || cl.call.Reason() != events.EndTransferred {
		t.Fatalf("transfer %+v, reason %q", got, cl.call.Reason())
	}
}

// A transfer's end is known once the carrier reported its outcome: taken,
// the call ended transferred (even when the carrier closed the line
// first, as one taking the call does); failed, the caller is hung up on
// and the call ended so; failed after the carrier reported the line
// gone, the caller hung up.
func TestTransferEndsWithItsOutcome(t *testing.T) {
	refused := errors.New("transfer refused")
	for _, tc := range []struct {
		name     string
		lineGone bool
		err      error
		want     string
	}{
		{"taken", false, nil, events.EndTransferred},
		{"taken, line closed first", true, nil, events.EndTransferred},
		{"failed", false, refused, events.EndTransferFailed},
		{"failed, caller gone", true, refused, events.EndCallerHungUp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *assistant.Config) {
				c.ToolsSettings.TransferCall = assistant.TransferCallTool{Enabled: true, TransferNumbers: []string{"+18005550100"}}
			})
			h.llm.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
				return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{}`}}
			}
			var c *Call
			line := &voicetest.Carrier{OnTransfer: func(voice.TransferRequest) error {
				if tc.lineGone {
					c.Stopped() // posted, so handled, before the outcome
				}
				return tc.err
			}}
			cl := h.startSpec(Spec{Line: line, CallInfo: voice.CallInfo{ID: "CAT", OrganizationID: 1, AssistantID: 1, Carrier: "test"}})
			c = cl.call
			cl.speak("a person please")
			h.until(10*time.Second, "ended", func() bool { return h.ended(cl) })
			h.mgr.Wait()
			ended := h.sink.of("CAT", "call-ended")
			if len(ended) != 1 || ended[0].(events.CallEnded).Reason != tc.want || c.Reason() != tc.want {
				t.Fatalf("ended %+v, reason %q; want %s", ended, c.Reason(), tc.want)
			}
			if line.Transferred().To != "+18005550100" {
				t.Fatalf("transfer %+v", line.Transferred())
			}
			if hungUp := line.HungUp(); hungUp != (tc.want == events.EndTransferFailed) {
				t.Fatalf("line hung up: %v", hungUp)
			}
		})
	}
}

// A call whose first recognition or synthesis stream finds no capacity
// ends at once, with a reason, instead of sitting deaf or mute.
func TestNoCapacityRefusesTheCall(t *testing.T) {
	for _, service := range []string{"stt", "tts"} {
		t.Run(service, func(t *testing.T) {
			h := newHarness(t, nil)
			full := fmt.Errorf("deepgram: every key at its limit: %w", voice.ErrNoCapacity)
			if service == "stt" {
				h.stt.FailOpen = full
			} else {
				h.tts.FailOpen = full
			}
			cl := h.start("CA-full-" + service)
			h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
			h.mgr.Wait() // the hang-up request runs off the actor
			if cl.call.Reason() != events.EndNoCapacity || !cl.line.HungUp() {
				t.Fatalf("reason %q, hung up %v", cl.call.Reason(), cl.line.HungUp())
			}
			errs := h.sink.of(cl.call.ID, "provider-error")
			if len(errs) != 1 || errs[0].(events.ProviderError).Service != service || errs[0].(events.ProviderError).Recovered {
				t.Fatalf("provider errors %v", errs)
			}
		})
	}
}

// Refusing new calls lets live ones finish; Idle tells when they have.
func TestRefuseLetsLiveCallsFinish(t *testing.T) {
	h := newHarness(t, nil)
	select {
	case <-h.mgr.Idle():
	default:
		t.Fatal("a manager without calls is not idle")
	}
	cl := h.start("CA-refuse")
	h.mgr.Refuse()
	if _, err := h.mgr.Start(t.Context(), Spec{CallInfo: voice.CallInfo{ID: "CA-late", AssistantID: 1, OrganizationID: 1}, Line: cl.line}); !errors.Is(err, ErrDraining) {
		t.Fatalf("start while refusing: %v", err)
	}
	idle := h.mgr.Idle()
	select {
	case <-idle:
		t.Fatal("idle with a call live")
	default:
	}
	cl.speak("still here")
	h.until(10*time.Second, "the live call still answers", func() bool { return cl.heard() == "You said: still here" })
	cl.call.Stopped()
	h.until(5*time.Second, "idle", func() bool {
		select {
		case <-idle:
			return true
		default:
			return false
		}
	})
}
