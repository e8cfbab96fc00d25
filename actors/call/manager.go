// Package call runs one actor per live call. The actor owns the call's
// conversation machine (actors/turn) and everything with I/O around it:
// the recognition stream, the synthesis session, model generations and
// tool runs (goroutines that only post results back), the carrier, the
// timers and the call's event stream. Everything reaches the machine
// through the actor's mailbox, one message at a time.
package call

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/voice"
)

// Providers opens a call's provider streams for an assistant's
// configuration: it picks the services, keys and endpoints. A stream
// refused with voice.ErrNoCapacity when the call has none yet ends the
// call. LLM runs on the call's actor, so it must not block.
type Providers interface {
	OpenSTT(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, f voice.Format, emit func(voice.STTEvent)) (voice.STTStream, error)
	OpenTTS(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, f voice.Format) (voice.TTSSession, error)
	LLM(c *voice.CallInfo, cfg assistant.Config) (voice.LLM, error)
}

// ToolRunner runs the tools a model calls, other than the call controls
// the engine does itself (end_call, transfer_call, send_dtmf).
type ToolRunner interface {
	RunTool(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, call voice.ToolCall) (string, error)
}

// AssistantRequests decide how an inbound call runs when its assistant
// asks its webhook first (VoiceDock's assistant-request). They run before
// the call's actor starts: the caller hears nothing until they answer.
type AssistantRequests interface {
	// Request returns the assistant the call runs with (snap when the
	// webhook changes nothing or fails) and, when the webhook rejects the
	// call, what to say before hanging up.
	Request(ctx context.Context, c *voice.CallInfo, snap *assistants.Snapshot) (*assistants.Snapshot, string)
}

// Assistants is the assistant registry as calls use it.
type Assistants interface {
	Get(ctx context.Context, orgID, id int64) (*assistants.Snapshot, error)
	Subscribe(ctx context.Context, orgID, id int64, call *actor.PID) (*assistants.Snapshot, error)
	Unsubscribe(id int64, call *actor.PID)
}

// Deps are what a Manager's calls use.
type Deps struct {
	System     *actor.ActorSystem
	Assistants Assistants
	Providers  Providers
	Tools      ToolRunner // nil: custom tools answer with an error
	// Requests, when set, are asked about each inbound call first.
	Requests  AssistantRequests
	Knowledge Knowledge // nil: rag_settings inject nothing
	Sinks     []events.Sink
	// RecordingsRoot is where calls are recorded, when their assistant
	// asks; "" records nothing. Recordings hears of the files.
	RecordingsRoot string
	Recordings     Recordings
	Sounds         Sounds      // nil: no background sound
	Clock          clock.Clock // nil: the real clock
	Timings        Timings     // nil: the engine's overhead is not timed
	Log            *slog.Logger
}

// Manager starts calls and keeps track of the live ones.
type Manager struct {
	Deps
	wg      sync.WaitGroup // every goroutine of every call
	running atomic.Int64   // how many of them are running now
	phrases phraseCache    // short phrases' audio, for every call
	workers *actors.Workers
	// encoders bound the recordings encoded at once when calls end.
	encoders *recording.Encoders

	mu       sync.Mutex
	calls    map[string]*Call
	idle     chan struct{} // closed while no call is live
	draining bool
}

// ErrDraining means the node is shutting down and takes no new calls.
var ErrDraining = errors.New("call: not accepting calls: shutting down")

// ErrDuplicate means a call with this ID is already live.
var ErrDuplicate = errors.New("call: a call with this ID is already live")

// NewManager returns a manager.
func NewManager(d Deps) *Manager {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	idle := make(chan struct{})
	close(idle)
	// Calls' mailboxes run on long-lived workers: a call wakes 50 times a
	// second, and a goroutine per wake-up would grow a fresh stack each
	// time. Their Receive never blocks, so a few per core keep up.
	workers := actors.NewWorkers(4*runtime.GOMAXPROCS(0), mailboxThroughput)
	return &Manager{Deps: d, calls: map[string]*Call{}, idle: idle, workers: workers,
		encoders: recording.NewEncoders(runtime.GOMAXPROCS(0) / 2)}
}

// mailboxThroughput is how many messages a call handles before it lets
// another call's mailbox run.
const mailboxThroughput = 64

// Close stops the workers the calls' mailboxes run on, once no call is
// live (after a drain).
func (m *Manager) Close() { m.workers.Close() }

// Spec is what starting a call needs.
type Spec struct {
	voice.CallInfo
	Line     voice.Carrier
	Snapshot *assistants.Snapshot // the assistant as the call starts; fetched when nil
	History  []voice.Message      // an earlier conversation to continue
	// Returning says the caller has called this assistant before: a
	// first_call_only recording disclosure is not said again.
	Returning bool
	// Variables of this call fill {{name}} in the assistant's prompt and
	// messages, over the assistant's own (an outbound call's, say).
	Variables map[string]string
	// Reject, when set, is said instead of the welcome, and the call ends
	// (events.EndRejected).
	Reject string
}

// Start spawns the call's actor. The call then runs until it ends; its
// Done channel closes when it has.
func (m *Manager) Start(ctx context.Context, spec Spec) (*Call, error) {
	if spec.Snapshot == nil {
		snap, err := m.Assistants.Get(ctx, spec.OrganizationID, spec.AssistantID)
		if err != nil {
			return nil, fmt.Errorf("call %s: assistant %d: %w", spec.ID, spec.AssistantID, err)
		}
		spec.Snapshot = snap
	}
	if m.Requests != nil && spec.Direction == "inbound" && spec.Reject == "" {
		spec.Snapshot, spec.Reject = m.Requests.Request(ctx, &spec.CallInfo, spec.Snapshot)
	}
	c := &Call{CallInfo: spec.CallInfo, Private: spec.Snapshot.Config.PrivacySettings.GDPRMode, root: m.System.Root, done: make(chan struct{})}
	c.state.AssistantID = spec.AssistantID
	m.mu.Lock()
	if m.draining {
		m.mu.Unlock()
		return nil, ErrDraining
	}
	if _, dup := m.calls[spec.ID]; dup {
		m.mu.Unlock()
		return nil, ErrDuplicate
	}
	if len(m.calls) == 0 {
		m.idle = make(chan struct{})
	}
	// Spawned under the lock: a call found through the manager (a
	// carrier's webhook, the API) has its actor. Spawning only schedules
	// the actor's start.
	props := actor.PropsFromProducer(func() actor.Actor { return newCallActor(m, spec, c) },
		actor.WithGuardian(resumeOnPanic), actor.WithDispatcher(m.workers))
	c.pid = m.System.Root.Spawn(props)
	m.calls[spec.ID] = c
	m.mu.Unlock()
	return c, nil
}

// resumeOnPanic keeps a call going after a bug in handling one message:
// the message is dropped, the conversation state kept. (Restarting would
// lose the conversation mid-call.) The failure is logged by the system.
var resumeOnPanic = actor.NewOneForOneStrategy(10, 10*time.Second, func(any) actor.Directive {
	return actor.ResumeDirective
})

// Get returns a live call.
func (m *Manager) Get(id string) (*Call, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.calls[id]
	return c, ok
}

// Live returns the live calls.
func (m *Manager) Live() []*Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Call, 0, len(m.calls))
	for _, c := range m.calls {
		out = append(out, c)
	}
	return out
}

// Count is the number of live calls.
func (m *Manager) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}

// AwaitEnded waits until no call with this ID is live. A later leg of
// the same carrier call (a caller back from a warm transfer nobody took)
// may arrive while the earlier leg is still ending: it starts, and reads
// the conversation it continues, once that leg has ended.
func (m *Manager) AwaitEnded(ctx context.Context, id string) error {
	c, ok := m.Get(id)
	if !ok {
		return nil
	}
	select {
	case <-c.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("call %s: its earlier leg is still live: %w", id, ctx.Err())
	}
}

// Refuse turns new calls away from now on (Start returns ErrDraining);
// live calls go on.
func (m *Manager) Refuse() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.draining = true
}

// Draining reports whether new calls are refused.
func (m *Manager) Draining() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.draining
}

// Idle is closed while no call is live.
func (m *Manager) Idle() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.idle
}

// Drain refuses new calls from now on and asks every live call to end with
// reason and, if set, a spoken goodbye, hung up within the given time (0:
// the calls' own bound on last words).
func (m *Manager) Drain(reason, goodbye string, within time.Duration) {
	m.mu.Lock()
	m.draining = true
	live := make([]*Call, 0, len(m.calls))
	for _, c := range m.calls {
		live = append(live, c)
	}
	m.mu.Unlock()
	for _, c := range live {
		c.EndWithin(reason, goodbye, within)
	}
}

// Wait blocks until every live call has ended and every goroutine started
// for calls has returned. It is for a drain: no call may start meanwhile.
// A call adds goroutines until it ends (closing its streams), so the wait
// for its goroutines begins only once it has.
func (m *Manager) Wait() {
	<-m.Idle()
	m.wg.Wait()
}

func (m *Manager) remove(c *Call) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls[c.ID] == c {
		delete(m.calls, c.ID)
		if len(m.calls) == 0 {
			close(m.idle)
		}
	}
}

// goTracked runs f in a goroutine counted by Wait: every goroutine a call
// starts goes through here. A panic in f is logged to log, instead of
// taking the process and every other call down.
func (m *Manager) goTracked(log *slog.Logger, f func()) {
	m.wg.Add(1)
	m.running.Add(1)
	go func() {
		defer m.wg.Done()
		defer m.running.Add(-1)
		defer func() {
			if r := recover(); r != nil {
				log.Error("call goroutine panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		f()
	}()
}
