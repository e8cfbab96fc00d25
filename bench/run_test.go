package bench

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// Two callers each run the whole script once against an in-process
// engine: every turn is timed, the barge-in is cleared, nothing fails.
func TestConversationsAgainstEngine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),        // process-wide, started once
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),     // sleeps out its 10 s tick after a shutdown
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1"), // exits within its interval
		goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
	sys, err := startEngine(t.Context(), pgtest.AdminDSN(), DefaultLatencies, false)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	l := &load{sys: sys, calls: 2, duration: 2 * time.Minute, once: true, turnDelay: DefaultLatencies.TurnDelay(), name: "engine"}
	r := l.run(context.Background())
	t.Logf("%+v", r)
	if r.CallsCompleted != 2 || len(r.Errors) != 0 {
		t.Fatalf("completed %d of 2 calls; errors %v", r.CallsCompleted, r.Errors)
	}
	if r.Turns.Count != 2*turnsPerCall || r.BargeIns.Count != 2 || r.AfterBargeIn.Count != 2 {
		t.Fatalf("%d turns, %d barge-ins, %d answers after them timed; want %d, 2 and 2",
			r.Turns.Count, r.BargeIns.Count, r.AfterBargeIn.Count, 2*turnsPerCall)
	}
	if r.Pacing.Frames == 0 {
		t.Fatal("no assistant frames observed")
	}
	if len(r.Samples.Turns) != r.Turns.Count || len(r.Samples.BargeIns) != r.BargeIns.Count || len(r.Timeline) == 0 {
		t.Fatalf("%d turn and %d barge-in samples, %d seconds of timeline", len(r.Samples.Turns), len(r.Samples.BargeIns), len(r.Timeline))
	}
}
