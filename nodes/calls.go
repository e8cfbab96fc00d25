package nodes

import (
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
	"github.com/switchboard-voice/switchboard/voice"
)

// A call lives on the node its media stream reached; an API request about
// it may reach any node. Each node runs a calls actor that answers for
// its own calls (list, terminate, watch), and asks the others' when the
// call is not its own.

// callsName is the calls actor's name on every node.
const callsName = "calls"

// LocalCalls are the calls live on this node: *call.Manager.
type LocalCalls interface {
	Get(id string) (*call.Call, bool)
	Live() []*call.Call
}

// Watchers let this node's calls be watched: *live.Hub.
type Watchers interface {
	Watch(callID string) (*live.Watcher, error)
}

// LiveCall is a call live on another node.
type LiveCall struct {
	voice.CallInfo
	Private bool
	State   call.State
}

// Termination is what terminating a call on another node did.
type Termination struct {
	Found  bool   // a node runs the call, of that organization
	Ended  bool   // it ended within the wait
	Reason string // why, when it ended
}

// ErrNoCall means no other node runs the call, in that organization.
var ErrNoCall = errors.New("nodes: no other node runs the call")

// Calls answers the other nodes for this node's calls and asks them for
// theirs.
type Calls struct {
	ask asker
	pid *actor.PID
}

// ServeCalls starts answering the other nodes for local's calls.
func (n *Node) ServeCalls(local LocalCalls, hub Watchers) (*Calls, error) {
	return serveCalls(n.Cluster.ActorSystem, callsName, n.namedOnPeers(callsName), local, hub, n.log)
}

func serveCalls(sys *actor.ActorSystem, name string, peers func() []*actor.PID, local LocalCalls, hub Watchers, log *slog.Logger) (*Calls, error) {
	s := &callsServer{local: local, hub: hub}
	pid, err := sys.Root.SpawnNamed(actor.PropsFromFunc(s.receive), name)
	if err != nil {
		return nil, err
	}
	return &Calls{ask: asker{root: sys.Root, peers: peers, log: log}, pid: pid}, nil
}

// Stop stops answering the other nodes.
func (c *Calls) Stop() { _ = c.ask.root.StopFuture(c.pid).Wait() }

// Live lists the organization's calls live on the other nodes that
// answered.
func (c *Calls) Live(orgID int64) []LiveCall {
	var out []LiveCall
	for _, a := range c.ask.all(&nodespb.ListLiveCalls{OrganizationId: orgID}, askTimeout) {
		if m, ok := a.msg.(*nodespb.LiveCalls); ok {
			for _, lc := range m.Calls {
				out = append(out, fromLiveCall(lc))
			}
		}
	}
	return out
}

// Terminate ends the organization's call sid on the node that runs it,
// and waits up to wait for its end.
func (c *Calls) Terminate(orgID int64, sid string, wait time.Duration) Termination {
	msg := &nodespb.TerminateCall{OrganizationId: orgID, CallSid: sid, WaitMs: wait.Milliseconds()}
	a, ok := c.ask.first(msg, wait+askTimeout, func(m any) bool {
		t, ok := m.(*nodespb.CallTerminated)
		return ok && t.Found
	})
	if !ok {
		return Termination{}
	}
	m := a.msg.(*nodespb.CallTerminated)
	return Termination{Found: true, Ended: m.Ended, Reason: m.EndedReason}
}

// callsServer is the calls actor: it answers for this node's calls.
type callsServer struct {
	local LocalCalls
	hub   Watchers
}

func (s *callsServer) receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *nodespb.ListLiveCalls:
		out := &nodespb.LiveCalls{}
		for _, lc := range s.local.Live() {
			if lc.OrganizationID == m.OrganizationId {
				out.Calls = append(out.Calls, toLiveCall(lc))
			}
		}
		ctx.Respond(out)
	case *nodespb.TerminateCall:
		lc, ok := s.own(m.OrganizationId, m.CallSid)
		if !ok {
			ctx.Respond(&nodespb.CallTerminated{})
			return
		}
		lc.End(events.EndTerminated, "")
		// The wait must not hold up the actor's other questions.
		root, to, wait := ctx.ActorSystem().Root, ctx.Sender(), time.Duration(m.WaitMs)*time.Millisecond
		go func() {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-lc.Done():
				root.Send(to, &nodespb.CallTerminated{Found: true, Ended: true, EndedReason: lc.Reason()})
			case <-t.C:
				root.Send(to, &nodespb.CallTerminated{Found: true})
			}
		}()
	case *nodespb.WatchCall:
		ctx.Respond(s.watch(ctx, m))
	}
}

// own is this node's live call sid, if of the organization.
func (s *callsServer) own(orgID int64, sid string) (*call.Call, bool) {
	lc, ok := s.local.Get(sid)
	if !ok || lc.OrganizationID != orgID {
		return nil, false
	}
	return lc, true
}

func (s *callsServer) watch(ctx actor.Context, m *nodespb.WatchCall) *nodespb.WatchStarted {
	if _, ok := s.own(m.OrganizationId, m.CallSid); !ok {
		return &nodespb.WatchStarted{}
	}
	w, err := s.hub.Watch(m.CallSid)
	if err != nil {
		return &nodespb.WatchStarted{Found: true, TooMany: true}
	}
	relay := actor.NewPID(m.RelayAddress, m.RelayId)
	ctx.Spawn(actor.PropsFromFunc(forwarder(w, relay)))
	return &nodespb.WatchStarted{Found: true}
}

// forwarder sends a watcher's messages to a relay on the watching node,
// in order, until the call ends or the relay stops.
func forwarder(w *live.Watcher, relay *actor.PID) actor.ReceiveFunc {
	var relayGone atomic.Bool // nothing more to tell it
	return func(ctx actor.Context) {
		switch ctx.Message().(type) {
		case *actor.Started:
			ctx.Watch(relay)
			root, self := ctx.ActorSystem().Root, ctx.Self()
			go func() {
				for msg := range w.C() {
					root.Send(relay, &nodespb.LiveEvent{Message: msg})
				}
				if !relayGone.Load() {
					root.Send(relay, &nodespb.LiveEnded{Lagged: w.Lagged()})
				}
				root.Stop(self)
			}()
		case *actor.Terminated: // the relay stopped: its client left, or its node did
			relayGone.Store(true)
			w.Close()
		case *actor.Stopping:
			w.Close()
		}
	}
}

func toLiveCall(c *call.Call) *nodespb.LiveCall {
	st := c.State()
	return &nodespb.LiveCall{CallSid: c.ID, OrganizationId: c.OrganizationID, AssistantId: c.AssistantID, From: c.From,
		To: c.To, Direction: c.Direction, Carrier: c.Carrier, Private: c.Private, StartedAtUs: st.Started.UnixMicro(),
		Speaking: st.Speaking, Stage: st.Stage, StateAssistantId: st.AssistantID, Turns: int64(st.Turns),
		LastLatencyUs: st.LastLatency.Microseconds()}
}

func fromLiveCall(m *nodespb.LiveCall) LiveCall {
	return LiveCall{
		CallInfo: voice.CallInfo{ID: m.CallSid, OrganizationID: m.OrganizationId, AssistantID: m.AssistantId, From: m.From,
			To: m.To, Direction: m.Direction, Carrier: m.Carrier},
		Private: m.Private,
		State: call.State{Started: time.UnixMicro(m.StartedAtUs), Speaking: m.Speaking, Stage: m.Stage,
			AssistantID: m.StateAssistantId, Turns: int(m.Turns), LastLatency: time.Duration(m.LastLatencyUs) * time.Microsecond},
	}
}
