package nodes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/actors/call/calltest"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// pidsOf is a peer list of named actors on one actor system: two "nodes"
// in one process, asking each other as members do over remote.
func pidsOf(sys *actor.ActorSystem, names ...string) func() []*actor.PID {
	return func() []*actor.PID {
		out := make([]*actor.PID, len(names))
		for i, n := range names {
			out[i] = actor.NewPID(sys.Address(), n)
		}
		return out
	}
}

// noCalls is a node that runs no call.
type noCalls struct{}

func (noCalls) Get(string) (*call.Call, bool) { return nil, false }
func (noCalls) Live() []*call.Call            { return nil }

// twoNodes runs a call on "node 2" and returns node 1's view of it.
func twoNodes(t *testing.T) (one *Calls, lc *call.Call, mgr *call.Manager) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	sys := actors.NewSystem(log)
	t.Cleanup(sys.Shutdown)
	hub := live.NewHub()
	cfg := assistant.Defaults()
	cfg.Name = "Elsewhere"
	mgr = call.NewManager(call.Deps{System: sys, Sinks: []events.Sink{hub}, Log: log,
		Assistants: calltest.Assistant{Snapshot: &assistants.Snapshot{ID: 3, OrganizationID: 7, Version: 1, Config: cfg}},
		Providers:  calltest.Providers{STT: &voicetest.STT{Recognize: true}, TTS: &voicetest.TTS{}, Model: &voicetest.LLM{}}})
	t.Cleanup(mgr.Close)
	one, err := serveCalls(sys, "calls-1", pidsOf(sys, "calls-2"), noCalls{}, live.NewHub(), log)
	if err != nil {
		t.Fatal(err)
	}
	two, err := serveCalls(sys, "calls-2", pidsOf(sys, "calls-1"), mgr, hub, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Stop(); two.Stop() })
	line := &voicetest.Carrier{}
	ready := make(chan struct{})
	line.OnMark = func(name string) { <-ready; lc.Mark(name) }
	lc, err = mgr.Start(context.Background(), call.Spec{Line: line, CallInfo: voice.CallInfo{ID: "CA1", OrganizationID: 7,
		AssistantID: 3, From: "+15551110001", To: "+15550000000", Direction: "inbound", Carrier: "twilio"}})
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	return one, lc, mgr
}

// A node lists, watches and terminates a call another node runs, for the
// call's organization only.
func TestCallOnAnotherNode(t *testing.T) {
	one, lc, mgr := twoNodes(t)
	got := one.Live(7)
	if len(got) != 1 || got[0].ID != "CA1" || got[0].AssistantID != 3 || got[0].From != "+15551110001" ||
		got[0].Direction != "inbound" || got[0].Carrier != "twilio" || got[0].State.AssistantID != 3 {
		t.Fatalf("node 1 lists %+v", got)
	}
	if got := one.Live(8); len(got) != 0 {
		t.Fatalf("another organization sees %+v", got)
	}
	if _, err := one.Watch(8, "CA1"); !errors.Is(err, ErrNoCall) {
		t.Fatalf("another organization's watch: %v", err)
	}
	if _, err := one.Watch(7, "CA-none"); !errors.Is(err, ErrNoCall) {
		t.Fatalf("a watch of no call: %v", err)
	}
	if term := one.Terminate(8, "CA1", time.Second); term.Found {
		t.Fatalf("another organization terminated it: %+v", term)
	}

	feed, err := one.Watch(7, "CA1")
	if err != nil {
		t.Fatal(err)
	}
	term := one.Terminate(7, "CA1", 10*time.Second)
	if !term.Found || !term.Ended || term.Reason != events.EndTerminated {
		t.Fatalf("terminate: %+v", term)
	}
	var last string
	for msg := range feed.C() {
		last = string(msg)
	}
	if !strings.Contains(last, `"type":"call-ended"`) || !strings.Contains(last, events.EndTerminated) || feed.Lagged() {
		t.Fatalf("the feed ended on %s, lagged %v", last, feed.Lagged())
	}
	feed.Close()
	<-lc.Done()
	mgr.Wait()
	if got := one.Live(7); len(got) != 0 {
		t.Fatalf("an ended call listed: %+v", got)
	}
}

// A call takes live.MaxWatchers watchers, relayed ones included; a relay
// that stops (its client left) frees its place on the call's node.
func TestRelayedWatchersCount(t *testing.T) {
	one, _, _ := twoNodes(t)
	feeds := make([]*Feed, live.MaxWatchers)
	for i := range feeds {
		f, err := one.Watch(7, "CA1")
		if err != nil {
			t.Fatalf("watcher %d: %v", i, err)
		}
		feeds[i] = f
	}
	if _, err := one.Watch(7, "CA1"); !errors.Is(err, live.ErrTooManyWatchers) {
		t.Fatalf("watcher %d: %v", live.MaxWatchers+1, err)
	}
	feeds[0].Close()
	testkit.Eventually(t, 10*time.Second, func() error {
		f, err := one.Watch(7, "CA1")
		if err != nil {
			return err
		}
		feeds[0] = f
		return nil
	})
	for _, f := range feeds {
		f.Close()
	}
}

// A relay falls behind as a local watcher does: past its buffer it is cut
// off, lagged; and it ends when the node it watches goes.
func TestRelayEnds(t *testing.T) {
	sys := actors.NewSystem(slog.New(slog.DiscardHandler))
	t.Cleanup(sys.Shutdown)
	relay := func() *Feed {
		f := &Feed{ch: make(chan []byte, relayBuffer), root: sys.Root}
		f.pid = sys.Root.Spawn(actor.PropsFromFunc(f.receive))
		return f
	}
	slow := relay()
	for i := range relayBuffer + 1 {
		sys.Root.Send(slow.pid, &nodespb.LiveEvent{Message: fmt.Appendf(nil, "%d", i)})
	}
	testkit.Eventually(t, 10*time.Second, func() error { // the relay took them all, unread
		if !slow.Lagged() {
			return errors.New("the relay has not fallen behind yet")
		}
		return nil
	})
	n := 0
	for range slow.C() {
		n++
	}
	if n != relayBuffer || !slow.Lagged() {
		t.Fatalf("a slow relay kept %d messages, lagged %v", n, slow.Lagged())
	}

	node := sys.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	gone := relay()
	sys.Root.Send(gone.pid, holder{node})
	_ = sys.Root.StopFuture(node).Wait()
	select {
	case _, open := <-gone.C():
		if open {
			t.Fatal("a message from nowhere")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the relay outlived the node it watched")
	}
	if gone.Lagged() {
		t.Fatal("a relay whose node went reports lagging")
	}
}

// A live call crosses nodes as protobuf, whole.
func TestLiveCallRoundTrip(t *testing.T) {
	in := &nodespb.LiveCall{CallSid: "CA1", OrganizationId: 7, AssistantId: 3, From: "+15551110001", To: "+15550000000",
		Direction: "outbound", Carrier: "telnyx", Private: true, StartedAtUs: 1_700_000_000_123_456, Speaking: "caller",
		Stage: "conversing", StateAssistantId: 4, Turns: 5, LastLatencyUs: 612_345}
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out nodespb.LiveCall
	if err := proto.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	got := fromLiveCall(&out)
	want := LiveCall{CallInfo: voice.CallInfo{ID: "CA1", OrganizationID: 7, AssistantID: 3, From: "+15551110001",
		To: "+15550000000", Direction: "outbound", Carrier: "telnyx"}, Private: true,
		State: call.State{Started: time.UnixMicro(1_700_000_000_123_456), Speaking: "caller", Stage: "conversing",
			AssistantID: 4, Turns: 5, LastLatency: 612345 * time.Microsecond}}
	if !got.State.Started.Equal(want.State.Started) {
		t.Fatalf("started %v, want %v", got.State.Started, want.State.Started)
	}
	got.State.Started = want.State.Started
	if got != want {
		t.Fatalf("round trip %+v, want %+v", got, want)
	}
}
