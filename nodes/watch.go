package nodes

import (
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
)

// relayBuffer is how many messages a relayed watch may fall behind before
// it is cut off, as a local watcher (package live) may.
const relayBuffer = 256

// Feed is a call's live events, relayed from the node that runs it by a
// relay actor on this node. It ends as a local watcher does: when the
// call ends, when it falls behind, on Close, and also when the call's
// node leaves.
type Feed struct {
	ch     chan []byte
	lagged atomic.Bool
	closed bool // by the relay actor only
	root   *actor.RootContext
	pid    *actor.PID
}

// C delivers the messages; it is closed when the feed ends.
func (f *Feed) C() <-chan []byte { return f.ch }

// Lagged reports whether the feed was cut off for falling behind.
func (f *Feed) Lagged() bool { return f.lagged.Load() }

// Close stops watching: the call's node hears the relay stop.
func (f *Feed) Close() { f.root.Stop(f.pid) }

// holder tells the relay which calls actor runs its call, to watch it:
// if that node goes, so does the feed.
type holder struct{ pid *actor.PID }

func (f *Feed) receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case holder:
		ctx.Watch(m.pid)
	case *nodespb.LiveEvent:
		if f.closed {
			return
		}
		select {
		case f.ch <- m.Message:
		default:
			f.lagged.Store(true)
			f.end(ctx)
		}
	case *nodespb.LiveEnded:
		f.lagged.Store(m.Lagged)
		f.end(ctx)
	case *actor.Terminated:
		f.end(ctx)
	case *actor.Stopped:
		f.close()
	}
}

// end closes the feed and stops the relay.
func (f *Feed) end(ctx actor.Context) {
	f.close()
	ctx.Stop(ctx.Self())
}

func (f *Feed) close() {
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
}

// Watch relays the organization's call sid from the node that runs it:
// ErrNoCall if none does, live.ErrTooManyWatchers if it has its fill.
func (c *Calls) Watch(orgID int64, sid string) (*Feed, error) {
	f := &Feed{ch: make(chan []byte, relayBuffer), root: c.ask.root}
	f.pid = c.ask.root.Spawn(actor.PropsFromFunc(f.receive))
	msg := &nodespb.WatchCall{OrganizationId: orgID, CallSid: sid, RelayAddress: f.pid.Address, RelayId: f.pid.Id}
	a, ok := c.ask.first(msg, askTimeout, func(m any) bool {
		w, ok := m.(*nodespb.WatchStarted)
		return ok && w.Found
	})
	switch {
	case !ok:
		f.Close()
		return nil, ErrNoCall
	case a.msg.(*nodespb.WatchStarted).TooMany:
		f.Close()
		return nil, live.ErrTooManyWatchers
	}
	c.ask.root.Send(f.pid, holder{a.from})
	return f, nil
}
