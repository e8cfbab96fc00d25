package call

import (
	"context"
	"fmt"

	"github.com/switchboard-voice/switchboard/internal/ptr"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// The callActor is the machine's Port: these methods run inside the
// machine's own calls, on the actor, and must not call back into it.

type (
	llmEvent struct {
		id int
		ev voice.LLMEvent
	}
	llmDone struct {
		id  int
		err error
	}
	toolDone struct {
		id             int
		callID, result string
		err            error
	}
)

// SendAudio implements turn.Port.
func (a *callActor) SendAudio(frame []byte) { a.out.send(frame) }

// SendMark implements turn.Port.
func (a *callActor) SendMark(name string) { _ = a.spec.Line.SendMark(name) }

// ClearAudio implements turn.Port.
func (a *callActor) ClearAudio() { a.out.clear() }

// SendDTMF implements turn.Port.
func (a *callActor) SendDTMF(digits string) { _ = a.spec.Line.SendDTMF(digits) }

// HangUp implements turn.Port: the machine has ended the call.
func (a *callActor) HangUp(reason string) {
	a.setReason(reason)
	line, log := a.spec.Line, a.log
	a.mgr.goTracked(func() {
		ctx, cancel := context.WithTimeout(context.Background(), lineTimeout)
		defer cancel()
		if err := line.HangUp(ctx); err != nil {
			log.Warn("hang-up failed", "err", err)
		}
	})
}

// Transfer implements turn.Port. A warm transfer first has the model
// summarise the conversation for the agent.
func (a *callActor) Transfer(to string) {
	a.setReason(events.EndTransferred)
	tc := a.snap.Config.ToolsSettings.TransferCall
	req := voice.TransferRequest{To: to, Warm: tc.TransferType == "warm", AgentConfirmation: tc.AgentConfirmation,
		UnavailableMessage: ptr.Value(tc.UnavailableMessage)}
	line, log, llm, history := a.spec.Line, a.log, a.llm, a.m.History()
	a.mgr.goTracked(func() {
		ctx, cancel := context.WithTimeout(context.Background(), lineTimeout+summaryTimeout)
		defer cancel()
		if req.Warm {
			req.Summary = summarise(ctx, llm, history)
		}
		if err := line.Transfer(ctx, req); err != nil {
			log.Error("transfer failed", "err", err)
		}
	})
}

func (a *callActor) setReason(r string) {
	a.call.mu.Lock()
	if a.call.reason == "" {
		a.call.reason = r
	}
	a.call.mu.Unlock()
}

// FinalizeSTT implements turn.Port.
func (a *callActor) FinalizeSTT() { a.listen.finalize() }

// StartLLM implements turn.Port: the generation runs in a goroutine that
// posts its events back.
func (a *callActor) StartLLM(id int, messages []voice.Message) {
	ctx, cancel := context.WithCancel(a.ctx)
	a.gens[id] = cancel
	req := voice.LLMRequest{Messages: messages, Tools: a.tools, Settings: a.snap.Config.LLMSettings}
	llm := a.llm
	a.spawn(func() {
		defer cancel()
		err := generate(ctx, llm, req, func(ev voice.LLMEvent) { a.send(&llmEvent{id: id, ev: ev}) })
		a.send(&llmDone{id: id, err: err})
	})
}

// generate runs a generation, turning a panic in a provider into an error
// the machine handles (it apologises) rather than a silent call.
func generate(ctx context.Context, llm voice.LLM, req voice.LLMRequest, emit func(voice.LLMEvent)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("language model panicked: %v", r)
		}
	}()
	return llm.Generate(ctx, req, emit)
}

// CancelLLM implements turn.Port.
func (a *callActor) CancelLLM(id int) {
	if cancel, ok := a.gens[id]; ok {
		cancel()
		delete(a.gens, id)
	}
}

// OpenSpeech implements turn.Port.
func (a *callActor) OpenSpeech(id int) { a.speech.openUtterance(id) }

// Speak implements turn.Port.
func (a *callActor) Speak(id int, text string) { a.speech.say(id, text) }

// EndSpeech implements turn.Port.
func (a *callActor) EndSpeech(id int) { a.speech.end(id) }

// CancelSpeech implements turn.Port.
func (a *callActor) CancelSpeech(id int) { a.speech.cancel(id) }

// Backchannel implements turn.Port.
func (a *callActor) Backchannel(phrase string) { a.speech.backchannel(phrase) }

// RunTool implements turn.Port.
func (a *callActor) RunTool(id int, call voice.ToolCall) {
	runner, cfg, info := a.mgr.Tools, a.snap.Config, a.spec.CallInfo
	a.spawn(func() {
		var res string
		err := fmt.Errorf("tool %q is not available", call.Name)
		if runner != nil {
			res, err = runner.RunTool(a.ctx, &info, cfg, call)
		}
		a.send(&toolDone{id: id, callID: call.ID, result: res, err: err})
	})
}

// Publish implements turn.Port: the event goes to every sink, and the
// call's live state follows it.
func (a *callActor) Publish(e events.Event) {
	switch ev := e.(type) {
	case events.ConfigApplied:
		a.configApplied(ev.Version)
	case events.TurnCommitted:
		a.call.setState(func(s *State) { s.Turns = ev.Turn; s.Speaking = "" })
	case events.CallerSpeechStarted:
		a.call.setState(func(s *State) { s.Speaking = "caller" })
	case events.StageTimings:
		a.call.setState(func(s *State) { s.LastLatency = ev.FirstFrameOut; s.Speaking = "assistant" })
	case events.ReplyFinished:
		a.call.setState(func(s *State) { s.Speaking = "" })
	}
	a.publish(e)
}

func (a *callActor) publish(e events.Event) {
	e = a.withProviders(e)
	now := a.now()
	for _, s := range a.mgr.Sinks {
		s.Publish(a.spec.ID, now, e)
	}
}

// withProviders names the providers of the call's configuration in the
// events the conversation machine publishes without them.
func (a *callActor) withProviders(e events.Event) events.Event {
	cfg := &a.snap.Config
	switch ev := e.(type) {
	case events.ProviderError:
		if ev.Provider == "" {
			switch ev.Service {
			case "stt":
				ev.Provider = cfg.STTSettings.Provider
			case "tts":
				ev.Provider = cfg.TTSSettings.Provider
			case "llm":
				ev.Provider = cfg.LLMProvider
			}
		}
		return ev
	case events.StageTimings:
		ev.TTSProvider = cfg.TTSSettings.Provider
		return ev
	}
	return e
}
