package call

import (
	"context"
	"fmt"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/voice"
)

// The callActor is the machine's Port: these methods run inside the
// machine's own calls, on the actor, and must not call back into it.

type (
	llmEvent struct {
		id turn.ReplyID
		ev voice.LLMEvent
	}
	llmDone struct {
		id  turn.ReplyID
		err error
	}
	toolDone struct {
		id             turn.ReplyID
		callID, result string
		err            error
	}
	transferDone struct{ err error }
)

// transferPhase is where a transfer the machine asked for is.
type transferPhase uint8

const (
	notTransferring      transferPhase = iota
	transferring                       // the carrier's transfer is under way
	transferringLineGone               // under way, and the carrier reported the line ended meanwhile
)

// ClearAudio implements turn.Port.
func (a *callActor) ClearAudio(why turn.Silencing) { a.out.clear(why) }

// SendDTMF implements turn.Port.
func (a *callActor) SendDTMF(digits string) { _ = a.spec.Line.SendDTMF(digits) }

// HangUp implements turn.Port: the machine has ended the call.
func (a *callActor) HangUp(reason string) {
	a.setReason(reason)
	line := a.spec.Line
	a.mgr.goTracked(a.log, func() {
		ctx, cancel := context.WithTimeout(context.Background(), lineTimeout)
		defer cancel()
		if err := line.HangUp(ctx); err != nil {
			a.log.Warn("hang-up failed", "err", err)
		}
	})
}

// Transfer implements turn.Port. A warm transfer first has the model
// summarise the conversation for the agent. The call stays up until the
// carrier took the transfer or failed it (transferEnded): its end says
// which.
func (a *callActor) Transfer(to string) {
	a.transfer = transferring
	tc := a.cfg.ToolsSettings.TransferCall
	req := voice.TransferRequest{To: to, Warm: tc.TransferType == "warm", AgentConfirmation: tc.AgentConfirmation,
		UnavailableMessage: ptr.Value(tc.UnavailableMessage)}
	line, llm, history := a.spec.Line, a.llm, a.m.History()
	a.mgr.goTracked(a.log, func() {
		if req.Warm {
			req.Summary = summarise(context.Background(), llm, history) // bounded by summaryTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), transferTimeout)
		defer cancel()
		a.send(&transferDone{err: line.Transfer(ctx, req)})
	})
}

// transferEnded ends a call once its carrier reported the transfer's
// outcome. A transfer that failed hangs the caller up: the assistant has
// said its last words.
func (a *callActor) transferEnded(err error) {
	switch {
	case err == nil:
		a.finish(events.EndTransferred)
	case a.transfer == transferringLineGone:
		a.log.Warn("transfer failed: the caller had hung up", "err", err)
		a.finish(events.EndCallerHungUp)
	default:
		a.log.Error("transfer failed", "err", err)
		a.HangUp(events.EndTransferFailed)
		a.finish(events.EndTransferFailed)
	}
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
func (a *callActor) StartLLM(id turn.ReplyID, messages []voice.Message) {
	ctx, cancel := context.WithCancel(a.ctx)
	a.gens[id] = cancel
	if a.cause.kind == recognised && a.mgr.Timings != nil {
		ctx = timeRequest(ctx, a.cause.at, a.mgr.Timings)
	}
	req := voice.LLMRequest{Messages: messages, Tools: a.tools, Settings: a.cfg.LLMSettings}
	llm, cfg, info, retrieve := a.llm, a.cfg, a.spec.CallInfo, injects(a.cfg) && a.mgr.Knowledge != nil
	a.mgr.goTracked(a.log, func() {
		defer cancel()
		if retrieve {
			req.Messages = a.withKnowledge(ctx, *cfg, info, req.Messages)
		}
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
func (a *callActor) CancelLLM(id turn.ReplyID) {
	if cancel, ok := a.gens[id]; ok {
		cancel()
		delete(a.gens, id)
	}
}

// OpenSpeech implements turn.Port.
func (a *callActor) OpenSpeech(id turn.ReplyID) { a.speech.openUtterance(id) }

// Speak implements turn.Port.
func (a *callActor) Speak(id turn.ReplyID, text string) { a.speech.say(id, text) }

// EndSpeech implements turn.Port.
func (a *callActor) EndSpeech(id turn.ReplyID) { a.speech.end(id) }

// CancelSpeech implements turn.Port.
func (a *callActor) CancelSpeech(id turn.ReplyID) { a.speech.cancel(id) }

// ShortPhrase implements turn.Port.
func (a *callActor) ShortPhrase(phrase string) { a.speech.shortPhrase(phrase) }

// RunTool implements turn.Port.
func (a *callActor) RunTool(id turn.ReplyID, call voice.ToolCall) {
	runner, cfg, info := a.mgr.Tools, a.cfg, a.spec.CallInfo
	a.mgr.goTracked(a.log, func() {
		var res string
		err := fmt.Errorf("tool %q is not available", call.Name)
		if runner != nil {
			res, err = runner.RunTool(a.ctx, &info, *cfg, call)
		}
		a.send(&toolDone{id: id, callID: call.ID, result: res, err: err})
	})
}

// ApplyConfig implements turn.Port: from this turn boundary on the call
// runs on s's configuration; streams whose settings changed are replaced.
func (a *callActor) ApplyConfig(s turn.Settings) {
	prev, prevID := a.cfg, a.spec.AssistantID
	a.cfg, a.version = s.Config, s.Version
	if s.AssistantID != prevID {
		a.switchAssistant(prevID, s.AssistantID)
	}
	a.useConfig(*a.cfg)
	a.listen.reconfigure(*prev, *a.cfg)
	if prev.NeedsNewSynthesiser(*a.cfg) {
		a.speech.reopen()
	}
	if bs := a.cfg.TTSSettings.BackgroundSound; !prev.TTSSettings.BackgroundSound.Equal(bs) {
		a.out.loadBed(bs)
	}
	a.speech.setVoice()
}

// switchAssistant follows the assistant a call was handed to: its
// configuration changes reach the call from now on, the old one's do not.
func (a *callActor) switchAssistant(from, to int64) {
	a.mgr.Assistants.Unsubscribe(from, a.self)
	a.spec.AssistantID = to
	a.call.setState(func(s *State) { s.AssistantID = to })
	org := a.spec.OrganizationID
	a.mgr.goTracked(a.log, func() {
		snap, err := a.mgr.Assistants.Subscribe(a.ctx, org, to, a.self)
		a.send(&subscribed{snap: snap, err: err})
	})
}

// Publish implements turn.Port: the event goes to every sink, and the
// call's live state follows it.
func (a *callActor) Publish(e events.Event) {
	switch ev := e.(type) {
	case events.TurnCommitted:
		a.call.setState(func(s *State) { s.Turns = ev.Turn })
	case events.StageTimings:
		a.call.setState(func(s *State) { s.LastLatency = ev.FirstFrameOut })
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
// events the conversation machine publishes without them, and scrubs
// credentials from provider errors before any sink sees them.
func (a *callActor) withProviders(e events.Event) events.Event {
	cfg := a.cfg
	switch ev := e.(type) {
	case events.ProviderError:
		ev.Error = secrets.Scrub(ev.Error, a.secrets...) // providers echo keys back
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
