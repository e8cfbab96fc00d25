package call

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/privacy"
	"github.com/switchboard-voice/switchboard/voice"
)

// lineTimeout bounds a carrier API request (hang-up, transfer).
const lineTimeout = 10 * time.Second

// transferTimeout bounds a transfer on a carrier that reports its outcome
// (a SIP trunk's NOTIFY after a REFER, up to its gateway's 30 s wait for
// the target to answer), beyond the API request itself.
const transferTimeout = 40 * time.Second

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

	cfg     *assistant.Config // the configuration in use: shared (turn.Settings), never changed
	secrets []string          // every configuration's opened keys: scrubbed from provider errors
	version int
	m       *turn.Machine
	started time.Time
	phases  [3]uint8 // the machine's phases and stage as last shown in the call's state
	beeps   *beepListener
	// missingVars are the {{variables}} already logged as not given.
	missingVars []string

	listen *listener
	speech *speaker
	out    *outbound
	llm    voice.LLM
	tools  []voice.Tool
	gens   map[turn.ReplyID]context.CancelFunc // running generations

	// One timer wakes the call for whatever is due next: a frame for the
	// carrier or a deadline of the machine. It is reset, not made anew.
	// timerN numbers each arming; a tick carries the number current when
	// it fired (timerGen), so a tick of an earlier arming is dropped.
	timer    clock.Timer
	armed    bool
	timerAt  time.Time
	timerN   uint64
	timerGen atomic.Uint64

	transfer transferPhase

	// cause is the input being handled, while the engine's overhead is
	// timed from it (overhead.go).
	cause cause

	finished bool
}

// tick is the call's timer firing.
type tick struct{ n uint64 }

// subscribed is the assistant registry's answer to the call's subscription.
type subscribed struct {
	snap *assistants.Snapshot
	err  error
}

func newCallActor(m *Manager, spec Spec, c *Call) *callActor {
	a := &callActor{mgr: m, spec: spec, call: c, clk: m.Clock, root: m.System.Root,
		log: m.Log.With("call_sid", spec.ID), cfg: &spec.Snapshot.Config, version: spec.Snapshot.Version,
		secrets: slices.Clone(spec.Snapshot.Secrets),
		gens:    map[turn.ReplyID]context.CancelFunc{}}
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
		a.callerAudio(msg.frame)
	case *carrierMark:
		a.m.MarkPlayed(a.now(), msg.name)
	case *callerDTMF:
		a.m.CallerDTMF(a.now(), msg.digits)
	case *carrierStopped:
		a.m.CarrierGone(a.now())
		if a.transfer != notTransferring {
			// A carrier taking the transfer ends the engine's leg, and
			// one failing it may too: the outcome says which.
			a.transfer = transferringLineGone
			return
		}
		a.finish(events.EndCallerHungUp)
		return
	case *transferDone:
		a.transferEnded(msg.err)
		return
	case *endRequest:
		if msg.within > 0 {
			a.m.EndWithin(a.now(), msg.reason, msg.goodbye, msg.within)
		} else {
			a.m.End(a.now(), msg.reason, msg.goodbye)
		}
	case *tick:
		if !a.armed || msg.n != a.timerN {
			return // superseded
		}
		a.armed, a.timerAt = false, time.Time{}
		a.m.Advance(a.now())
	case *sttEvent:
		a.listen.event(msg)
	case *streamOpened[voice.STTStream]:
		a.listen.sup.opened(msg)
	case *streamRetry[voice.STTStream]:
		a.listen.sup.retry(msg)
	case *ttsEvent:
		a.speech.event(msg)
	case *shortEvent:
		a.speech.shortDone(msg)
	case *phraseReady:
		a.m.ShortPhraseAudio(a.now(), msg.phrase, msg.audio)
	case *handoverLoaded:
		a.handoverLoaded(msg)
	case *carrierAnsweredBy:
		a.m.CarrierAnsweredBy(a.now(), msg.who)
	case *streamOpened[voice.TTSSession]:
		a.speech.sup.opened(msg)
	case *streamRetry[voice.TTSSession]:
		a.speech.sup.retry(msg)
	case *llmEvent:
		a.m.HandleLLM(a.now(), msg.id, msg.ev)
	case *llmDone:
		delete(a.gens, msg.id)
		a.m.LLMFinished(a.now(), msg.id, msg.err)
	case *toolDone:
		a.m.ToolResult(a.now(), msg.id, msg.callID, msg.result, msg.err)
	case *bedReady:
		a.out.bedLoaded(msg)
	case *subscribed:
		a.subscribed(msg)
	case *assistants.ConfigChanged:
		if msg.Snapshot != nil && msg.Snapshot.ID == a.spec.AssistantID {
			a.configChanged(msg.Snapshot)
		}
	default:
		a.log.Warn("unexpected message", "type", reflect.TypeOf(msg).String())
	}
	a.settle()
	a.cause = cause{}
}

func (a *callActor) now() time.Time { return a.clk.Now() }

// start sets the call up: the machine, the provider streams, the
// subscription to configuration changes, then the welcome.
func (a *callActor) start(ctx actor.Context) {
	a.self = ctx.Self()
	a.started = a.now()
	a.call.setState(func(s *State) { s.Started = a.started })
	a.cfg = a.render(*a.cfg) // a copy of its own, which the call may change until it is shared
	if a.spec.Reject != "" {
		a.cfg.LLMSettings.WelcomeMessage = nil
	}
	cfg := a.cfg
	a.m = turn.New(a, turn.SettingsFrom(a.spec.AssistantID, cfg, a.version), a.spec.Line.Format(), a.started)
	a.m.Seed(a.spec.History)
	a.listen, a.speech, a.out = newListener(a), newSpeaker(a), newOutbound(a)
	a.beeps = newBeepListener(a.spec.Line.Format())
	a.out.start(*cfg)
	a.useConfig(*cfg)
	a.listen.sup.open()
	a.speech.sup.open()
	org, id := a.spec.OrganizationID, a.spec.AssistantID
	a.mgr.goTracked(a.log, func() {
		snap, err := a.mgr.Assistants.Subscribe(a.ctx, org, id, a.self)
		a.send(&subscribed{snap: snap, err: err})
	})
	from, to, private := a.spec.From, a.spec.To, cfg.PrivacySettings.GDPRMode
	if private {
		from, to = privacy.Parties(a.spec.Direction, from, to)
	}
	a.publish(events.CallStarted{
		OrganizationID: org, AssistantID: id, ConfigVersion: a.version,
		From: from, To: to, Direction: a.spec.Direction, Carrier: a.spec.Carrier,
		Webhook: cfg.CallWebhook(), Private: private,
	})
	a.log.Info("call started", "assistant_id", id, "config_version", a.version, "carrier", a.spec.Carrier,
		"direction", a.spec.Direction)
	if a.spec.Reject != "" { // the webhook's rejection instead of the welcome, then the end
		a.m.Start(a.started, turn.CallStart{})
		a.m.End(a.started, events.EndRejected, a.spec.Reject)
		return
	}
	a.m.Start(a.started, turn.CallStart{Outbound: a.spec.Direction == "outbound", Disclosure: a.disclosure(cfg.RecordingSettings)})
}

// callerAudio takes a frame of the caller's: recorded and recognised, but
// not before the caller has agreed to it; while screening for an
// answering machine, listened to for its beep.
func (a *callActor) callerAudio(frame []byte) {
	switch a.m.Stage() {
	case turn.Consenting:
		return
	case turn.Screening, turn.LeavingMessage:
		if a.beeps.heard(frame) {
			a.m.Tone(a.now())
		}
	}
	a.out.caller(frame)
	a.listen.audio(frame)
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
	a.warmKnowledge(cfg)
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
	a.configChanged(msg.snap)
}

// configChanged hands a configuration to the machine, which keeps the
// newest and applies it at the next turn boundary (Port.ApplyConfig).
func (a *callActor) configChanged(snap *assistants.Snapshot) {
	if snap != nil {
		a.keepSecrets(snap)
		a.m.ChangeConfig(a.now(), turn.SettingsFrom(snap.ID, a.render(snap.Config), snap.Version))
	}
}

// keepSecrets adds a configuration's secrets to those scrubbed from
// provider errors: the call may still use a key it started with.
func (a *callActor) keepSecrets(snap *assistants.Snapshot) {
	for _, s := range snap.Secrets {
		if !slices.Contains(a.secrets, s) {
			a.secrets = append(a.secrets, s)
		}
	}
}

// settle runs after every message: an ended call finishes; a live one
// sends the frames due and sets its timer for what is due next.
func (a *callActor) settle() {
	if a.finished {
		return
	}
	if a.m.Ended() {
		if a.transfer != notTransferring {
			a.stopTimer() // the transfer's outcome ends the call
			return
		}
		a.finish(a.endReason())
		return
	}
	now := a.now()
	a.out.record(now, a.m.Stage() != turn.Consenting)
	a.out.pump(now)
	a.showPhases()
	at, ok := a.m.NextDeadline()
	if frameAt, flowing := a.out.next(); flowing && (!ok || frameAt.Before(at)) {
		at, ok = frameAt, true
	}
	if !ok {
		a.stopTimer()
		return
	}
	a.arm(now, at)
}

// arm sets the timer for at, unless it is set for it already.
func (a *callActor) arm(now, at time.Time) {
	if a.armed && at.Equal(a.timerAt) {
		return
	}
	a.timerN++
	a.timerGen.Store(a.timerN)
	a.armed, a.timerAt = true, at
	d := at.Sub(now)
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

// showPhases updates the call's live state when who is speaking, or the
// call's stage, changes.
func (a *callActor) showPhases() {
	as, c := a.m.Phases()
	st := a.m.Stage()
	if p := [3]uint8{uint8(as), uint8(c), uint8(st)}; p != a.phases {
		a.phases = p
		speaking := ""
		switch {
		case as == turn.Speaking || as == turn.Paused || as == turn.Ending:
			speaking = "assistant"
		case c == turn.Talking:
			speaking = "caller"
		}
		a.call.setState(func(s *State) { s.Speaking, s.Stage = speaking, st.String() })
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
	a.listen.sup.close()
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
	if l, ok := a.spec.Line.(endedLine); ok {
		l.CallEnded()
	}
	a.root.Stop(a.self)
}

// endedLine is a line told when its call is done, so that it needs no
// goroutine of its own waiting on Done.
type endedLine interface{ CallEnded() }

// send posts a message to this call from any goroutine.
func (a *callActor) send(msg any) { a.root.Send(a.self, msg) }
