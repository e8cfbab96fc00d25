package actors

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

type counter struct{ n *atomic.Int64 }

func (c counter) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(int); ok {
		c.n.Add(1)
	}
}

// Actors on Workers get every message, and Close leaves no goroutine.
func TestWorkersRunMailboxes(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
	sys := NewSystem(slog.New(slog.DiscardHandler))
	w := NewWorkers(2, 10) // a small queue: some mailboxes overflow onto goroutines of their own
	var n atomic.Int64
	var pids []*actor.PID
	for range 50 {
		pids = append(pids, sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return counter{&n} },
			actor.WithDispatcher(w))))
	}
	for i := range 2000 {
		sys.Root.Send(pids[i%len(pids)], i)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := n.Load(); got != 2000 {
			return fmt.Errorf("%d of 2000 messages handled", got)
		}
		return nil
	})
	for _, p := range pids {
		if err := sys.Root.StopFuture(p).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	sys.Shutdown()
	w.Close()
}
