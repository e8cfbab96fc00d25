package call

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// lineTimeout bounds a carrier API request (hang-up, transfer).
const lineTimeout = 10 * time.Second

// callActor is one live call.
type callActor struct {
	mgr  *Manager
	spec Spec
	call *Call
	log  *slog.Logger
	clk  clock.Clock
	self *actor.PID
	root *actor.RootContext

	ctx    context.Context // cancelled when the call ends: stops its goroutines
	cancel context.CancelFunc

	snap    *assistants.Snapshot // the configuration in use
	pending *assistants.Snapshot // a newer one, waiting for the turn boundary
	m       *turn.Machine
	started time.Time

	listen listener
	speech speaker
	out    outbound
	llm    voice.LLM
	tools  []voice.Tool
	gens   map[int]context.CancelFunc // running generations by reply id

	// One timer for the machine's next deadline, reset rather than made
	// anew at every frame. timerN numbers each arming; the timer's tick
	// carries the number current when it fired (timerGen), so a tick of an
	// earlier arming is recognised and dropped.
	timer    clock.Timer
	armed    bool
	timerAt  time.Time
	timerN   uint64
	timerGen atomic.Uint64

	finished bool
}

// tick is a machine deadline coming due.
type tick struct{ n uint64 }

// subscribed is the assistant registry's answer to the call's subscription.
type subscribed struct {
	snap *assistants.Snapshot
	err  error
}

func newCallActor(m *Manager, spec Spec, c *Call) *callActor {
	a := &callActor{mgr: m, spec: spec, call: c, clk: m.Clock, root: m.System.Root,
		log: m.Log.With("call_sid", spec.ID), snap: spec.Snapshot, gens: map[int]context.CancelFunc{}}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	return a
}

func (a *callActor) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(*inspect); ok {
		ctx.Respond(a.call.State())
		return
	}
	if a.finished {
		return
	}
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		a.start(ctx)
	case *actor.Stopping, *actor.Stopped, *actor.Restarting:
		return
	case *callerAudio:
		a.out.caller(msg.frame)
		a.listen.audio(msg.frame)
	case *carrierMark:
		a.m.MarkPlayed(a.now(), msg.name)
	case *callerDTMF:
		a.m.CallerDTMF(a.now(), msg.digits)
	case *carrierStopped:
		a.m.CarrierGone(a.now())
		a.finish(events.EndCallerHungUp)
		return
	case *endRequest:
		a.m.End(a.now(), msg.reason, msg.goodbye)
	case *tick:
		if !a.armed || msg.n != a.timerN {
			return // superseded
		}
		a.armed, a.timerAt = false, time.Time{}
		a.m.Advance(a.now())
	case *sttOpened, *sttEvent, *sttRetry:
		a.listen.receive(msg)
	case *ttsOpened, *ttsEvent, *ttsRetry, *backchannelEvent:
		a.speech.receive(msg)
	case *llmEvent:
		a.m.HandleLLM(a.now(), msg.id, msg.ev)
	case *llmDone:
		delete(a.gens, msg.id)
		a.m.LLMFinished(a.now(), msg.id, msg.err)
	case *toolDone:
		a.m.ToolResult(a.now(), msg.id, msg.callID, msg.result, msg.err)
	case *bedReady, *ambienceTick:
		a.out.receive(msg)
	case *subscribed:
		a.subscribed(msg)
	case *assistants.ConfigChanged:
		a.configChanged(msg.Snapshot)
	default:
		a.log.Warn("unexpected message", "type", reflect.TypeOf(msg).String())
	}
	a.settle()
}

func (a *callActor) now() time.Time { return a.clk.Now() }

// start sets the call up: the machine, the provider streams, the
// subscription to configuration changes, then the welcome.
func (a *callActor) start(ctx actor.Context) {
	a.self = ctx.Self()
	a.started = a.now()
	a.call.setState(func(s *State) { s.Started = a.started })
	cfg := a.snap.Config
	a.m = turn.New(a, turn.SettingsFrom(cfg, a.snap.Version), a.spec.Line.Format(), a.started)
	a.m.Seed(a.spec.History)
	a.listen = listener{a: a}
	a.speech = speaker{a: a, cache: map[string][]byte{}}
	a.out = outbound{a: a}
	a.out.start(cfg)
	a.useConfig(cfg)
	a.listen.open()
	a.speech.open()
	org, id := a.spec.OrganizationID, a.spec.AssistantID
	a.spawn(func() {
		snap, err := a.mgr.Assistants.Subscribe(a.ctx, org, id, a.self)
		a.send(&subscribed{snap: snap, err: err})
	})
	a.publish(events.CallStarted{
		OrganizationID: org, AssistantID: id, ConfigVersion: a.snap.Version,
		From: a.spec.From, To: a.spec.To, Direction: a.spec.Direction, Carrier: a.spec.Carrier,
		WebhookURL: ptr.Value(cfg.WebhookURL),
	})
	a.log.Info("call started", "assistant_id", id, "config_version", a.snap.Version, "carrier", a.spec.Carrier,
		"direction", a.spec.Direction)
	a.m.Start(a.started, a.disclosure(cfg.RecordingSettings))
}

// disclosure is what the caller must hear first about the recording, if
// anything.
func (a *callActor) disclosure(rs assistant.RecordingSettings) string {
	if !rs.DisclosureEnabled || (rs.DisclosureMode == "first_call_only" && a.spec.Returning) {
		return ""
	}
	return ptr.Value(rs.DisclosureMessage)
}

// useConfig points the model and tools at a configuration.
func (a *callActor) useConfig(cfg assistant.Config) {
	llm, err := a.mgr.Providers.LLM(&a.spec.CallInfo, cfg)
	if err != nil {
		a.log.Error("no language model for the configuration", "err", err)
		a.publish(events.ProviderError{Service: "llm", Error: err.Error()})
		llm = failingLLM{err}
	}
	a.llm = llm
	a.tools = Tools(cfg)
}

// failingLLM stands in for a model that cannot be set up, so the call
// still apologises instead of going silent.
type failingLLM struct{ err error }

func (f failingLLM) Generate(context.Context, voice.LLMRequest, func(voice.LLMEvent)) error {
	return f.err
}

func (a *callActor) subscribed(msg *subscribed) {
	if msg.err != nil {
		a.log.Warn("configuration changes will not reach this call", "err", msg.err)
		return
	}
	if msg.snap.Version > a.snap.Version {
		a.configChanged(msg.snap)
	}
}

// configChanged hands a newer configuration to the machine, which applies
// it at the next turn boundary (and tells us, through ConfigApplied).
func (a *callActor) configChanged(snap *assistants.Snapshot) {
	if snap == nil || snap.Version <= a.snap.Version {
		return
	}
	a.pending = snap
	a.m.ChangeConfig(turn.SettingsFrom(snap.Config, snap.Version))
}

// configApplied switches the providers at the turn boundary.
func (a *callActor) configApplied(version int) {
	next := a.pending
	if next == nil || next.Version != version {
		return
	}
	prev := a.snap.Config
	a.snap, a.pending = next, nil
	a.useConfig(next.Config)
	if !reflect.DeepEqual(prev.STTSettings, next.Config.STTSettings) || !reflect.DeepEqual(prev.APIKeys, next.Config.APIKeys) {
		a.listen.reopen()
	}
	if !reflect.DeepEqual(prev.TTSSettings, next.Config.TTSSettings) || !reflect.DeepEqual(prev.APIKeys, next.Config.APIKeys) {
		a.speech.reopen()
	}
}

// settle runs after every message: finish an ended call, else arm the
// timer for the machine's next deadline.
func (a *callActor) settle() {
	if a.finished {
		return
	}
	if a.m.Ended() {
		a.finish(a.endReason())
		return
	}
	at, ok := a.m.NextDeadline()
	if !ok {
		a.stopTimer()
		return
	}
	if a.armed && at.Equal(a.timerAt) {
		return
	}
	a.timerN++
	a.timerGen.Store(a.timerN)
	a.armed, a.timerAt = true, at
	d := at.Sub(a.now())
	if a.timer != nil {
		a.timer.Reset(d)
		return
	}
	self, root := a.self, a.root
	a.timer = a.clk.AfterFunc(d, func() { root.Send(self, &tick{n: a.timerGen.Load()}) })
}

func (a *callActor) stopTimer() {
	if a.armed {
		a.timer.Stop()
		a.armed, a.timerAt = false, time.Time{}
	}
}

// refuse ends a call whose first stream found every provider key at its
// limit: a caller who cannot be heard or answered is better told by a
// prompt hang-up than by silence.
func (a *callActor) refuse(service string, err error) {
	a.publish(events.ProviderError{Service: service, Error: err.Error()})
	a.log.Warn("call refused: no provider capacity", "service", service, "err", err)
	a.m.End(a.now(), events.EndNoCapacity, "")
}

// endReason is why the machine ended the call.
func (a *callActor) endReason() string {
	if r := a.call.Reason(); r != "" {
		return r
	}
	return events.EndError
}

// finish ends the call: every stream and goroutine is told to stop, the
// end is published, and the actor stops.
func (a *callActor) finish(reason string) {
	if a.finished {
		return
	}
	a.finished = true
	a.stopTimer()
	a.cancel()
	a.listen.close()
	a.speech.close()
	a.mgr.Assistants.Unsubscribe(a.spec.AssistantID, a.self)
	reason = a.call.markEnded(reason)
	end := a.now()
	d := end.Sub(a.started)
	// The end is published before the recording is finished, so that its
	// files are recorded after it.
	a.publish(events.CallEnded{Reason: reason, Duration: d, Recording: a.out.recording()})
	a.out.close(end)
	a.log.Info("call ended", "reason", reason, "duration_s", d.Seconds())
	a.mgr.remove(a.call)
	close(a.call.done)
	a.root.Stop(a.self)
}

// send posts a message to this call from any goroutine.
func (a *callActor) send(msg any) { a.root.Send(a.self, msg) }

// spawn runs f in a goroutine the manager tracks; a panic in it is logged
// instead of taking the process down.
func (a *callActor) spawn(f func()) {
	a.mgr.goTracked(func() {
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("call goroutine panicked", "panic", fmt.Sprint(r))
			}
		}()
		f()
	})
}
