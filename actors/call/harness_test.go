package call

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// fakeAssistants serves one assistant and pushes changes to subscribers.
type fakeAssistants struct {
	sys    *actor.ActorSystem
	mu     sync.Mutex
	snap   *assistants.Snapshot
	others map[int64]*assistants.Snapshot // the organization's other assistants, by id
	subs   map[string]*actor.PID
}

func (f *fakeAssistants) Get(_ context.Context, _, id int64) (*assistants.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o, ok := f.others[id]; ok {
		return o, nil
	}
	return f.snap, nil
}

func (f *fakeAssistants) Subscribe(_ context.Context, _, id int64, pid *actor.PID) (*assistants.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o, ok := f.others[id]; ok {
		return o, nil
	}
	f.subs[pid.String()] = pid
	return f.snap, nil
}

func (f *fakeAssistants) Unsubscribe(_ int64, pid *actor.PID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, pid.String())
}

func (f *fakeAssistants) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// change publishes a new configuration version, as the assistant actor does.
func (f *fakeAssistants) change(edit func(*assistant.Config)) {
	f.mu.Lock()
	next := *f.snap
	edit(&next.Config)
	next.Version++
	f.snap = &next
	subs := make([]*actor.PID, 0, len(f.subs))
	for _, p := range f.subs {
		subs = append(subs, p)
	}
	f.mu.Unlock()
	for _, p := range subs {
		f.sys.Root.Send(p, &assistants.ConfigChanged{Snapshot: &next})
	}
}

// staticProviders hands every call the same scripted providers.
type staticProviders struct {
	stt *voicetest.STT
	tts *voicetest.TTS
	llm voice.LLM
}

func (p staticProviders) OpenSTT(ctx context.Context, _ *voice.CallInfo, cfg assistant.Config, f voice.Format, emit func(voice.STTEvent)) (voice.STTStream, error) {
	return p.stt.OpenSTT(ctx, voice.STTOptions{Settings: cfg.STTSettings, Format: f}, emit)
}

func (p staticProviders) OpenTTS(ctx context.Context, _ *voice.CallInfo, cfg assistant.Config, f voice.Format) (voice.TTSSession, error) {
	return p.tts.OpenTTS(ctx, voice.TTSOptions{Settings: cfg.TTSSettings, Format: f})
}

func (p staticProviders) LLM(*voice.CallInfo, assistant.Config) (voice.LLM, error) { return p.llm, nil }

// sink records every call's events.
type sink struct {
	mu     sync.Mutex
	events map[string][]events.Event
}

func (s *sink) Publish(id string, _ time.Time, e events.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events[id] = append(s.events[id], e)
}

func (s *sink) of(id, kind string) []events.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []events.Event
	for _, e := range s.events[id] {
		if e.Kind() == kind {
			out = append(out, e)
		}
	}
	return out
}

type harness struct {
	t    testing.TB
	sys  *actor.ActorSystem
	clk  *clock.Virtual
	mgr  *Manager
	stt  *voicetest.STT
	tts  *voicetest.TTS
	llm  *voicetest.LLM
	asst *fakeAssistants
	sink *sink
	// timersFired counts the calls' timers that went off.
	timersFired atomic.Int64

	mu      sync.Mutex
	callers map[string]*caller
}

// caller is a test caller on a line: it speaks frames, one per 20 ms.
type caller struct {
	call *Call
	line *voicetest.Carrier
	say  [][]byte
}

func newHarness(t testing.TB, edit func(*assistant.Config)) *harness {
	t.Helper()
	cfg := assistant.Defaults()
	cfg.Name = "test"
	cfg.LLMSettings.SystemPrompt = "You are a test."
	if edit != nil {
		edit(&cfg)
	}
	sys := actors.NewSystem(slog.New(slog.DiscardHandler))
	h := &harness{
		t: t, sys: sys, clk: clock.NewVirtual(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)),
		stt: &voicetest.STT{Recognize: true}, tts: &voicetest.TTS{}, llm: &voicetest.LLM{},
		sink: &sink{events: map[string][]events.Event{}}, callers: map[string]*caller{},
	}
	h.asst = &fakeAssistants{sys: sys, snap: &assistants.Snapshot{ID: 1, OrganizationID: 1, Version: 1, Config: cfg}, subs: map[string]*actor.PID{}}
	h.mgr = NewManager(Deps{System: sys, Assistants: h.asst, Providers: staticProviders{h.stt, h.tts, h.llm},
		Sinks: []events.Sink{h.sink}, Clock: countingClock{h.clk, &h.timersFired}})
	t.Cleanup(func() {
		if !sys.IsStopped() {
			sys.Shutdown()
		}
		h.mgr.Close()
	})
	return h
}

// countingClock counts the timers that go off.
type countingClock struct {
	*clock.Virtual
	fired *atomic.Int64
}

func (c countingClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return c.Virtual.AfterFunc(d, func() { c.fired.Add(1); f() })
}

// start places a call.
func (h *harness) start(id string) *caller {
	h.t.Helper()
	return h.startSpec(Spec{CallInfo: voice.CallInfo{ID: id, OrganizationID: 1, AssistantID: 1, Carrier: "test"}})
}

// startSpec places a call as spec says, on a test line unless it has one.
func (h *harness) startSpec(spec Spec) *caller {
	h.t.Helper()
	if spec.Line == nil {
		spec.Line = &voicetest.Carrier{}
	}
	line := spec.Line.(*voicetest.Carrier)
	var c *Call
	ready := make(chan struct{})
	line.OnMark = func(name string) { <-ready; c.Mark(name) }
	c, err := h.mgr.Start(context.Background(), spec)
	if err != nil {
		h.t.Fatal(err)
	}
	close(ready)
	cl := &caller{call: c, line: line}
	// The call starts (and starts recording) at the time it was placed,
	// not a step later.
	h.inspectAll([]*caller{cl})
	h.mu.Lock()
	h.callers[spec.ID] = cl
	h.mu.Unlock()
	return cl
}

// speak queues words for the caller to say, followed by silence.
func (cl *caller) speak(text string) {
	cl.say = append(cl.say, fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})...)
	cl.say = append(cl.say, fakespeech.Silence(400*time.Millisecond)...)
}

func (cl *caller) heard() string { return strings.Join(cl.line.Heard(), " ") }

// step moves virtual time by one frame: every caller with something to
// say sends a frame, and every call catches up with its mailbox.
func (h *harness) step() {
	h.mu.Lock()
	live := make([]*caller, 0, len(h.callers))
	for _, cl := range h.callers {
		live = append(live, cl)
	}
	h.mu.Unlock()
	for _, cl := range live {
		if len(cl.say) > 0 {
			cl.call.Audio(cl.say[0])
			cl.say = cl.say[1:]
		}
	}
	h.clk.Advance(voice.FrameDuration)
	h.barrier(live)
}

// barrier waits until every call has handled what was posted to it, and
// the calls' goroutines (opening streams, generating, running tools) have
// finished or stayed blocked for a while, so virtual time never runs ahead
// of work that is due to happen now.
func (h *harness) barrier(live []*caller) {
	settle := time.Now().Add(50 * time.Millisecond)
	for {
		h.inspectAll(live)
		if h.mgr.running.Load() == 0 || time.Now().After(settle) {
			break
		}
		time.Sleep(50 * time.Microsecond)
	}
	h.inspectAll(live) // what the goroutines posted last
}

// inspectAll asks every call at once and waits for all the answers.
func (h *harness) inspectAll(live []*caller) {
	var wg sync.WaitGroup
	for _, cl := range live {
		wg.Go(func() {
			_, err := cl.call.Inspect(10 * time.Second)
			switch {
			case err == ErrEnded:
				// An ending call answers at once, before it has finished
				// ending: wait for that, or virtual time runs past it.
				select {
				case <-cl.call.Done():
				case <-time.After(10 * time.Second):
					h.t.Errorf("call %s: ended but not finished", cl.call.ID)
				}
			case err != nil:
				h.t.Errorf("call %s: %v", cl.call.ID, err)
			}
		})
	}
	wg.Wait()
}

// until steps until cond holds, or fails after limit of virtual time.
func (h *harness) until(limit time.Duration, what string, cond func() bool) {
	h.t.Helper()
	for elapsed := time.Duration(0); !cond(); elapsed += voice.FrameDuration {
		if elapsed > limit {
			h.t.Fatalf("%s: not within %v of virtual time", what, limit)
		}
		h.step()
	}
}

// run steps through d of virtual time.
func (h *harness) run(d time.Duration) {
	for elapsed := time.Duration(0); elapsed < d; elapsed += voice.FrameDuration {
		h.step()
	}
}

func (h *harness) ended(cl *caller) bool {
	select {
	case <-cl.call.Done():
		return true
	default:
		return false
	}
}

func (h *harness) String() string { return fmt.Sprintf("%d live calls", h.mgr.Count()) }
