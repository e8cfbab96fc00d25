package bench

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// The same script over SIP and RTP: two SIP callers each run it once
// through the engine's SIP listener; every turn is timed, the barge-in is
// heard as the assistant's audio stopping, nothing fails.
func TestConversationsOverSIP(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),        // process-wide, started once
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),     // sleeps out its 10 s tick after a shutdown
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1"), // exits within its interval
		goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
	sys, err := startEngine(t.Context(), pgtest.AdminDSN(), DefaultLatencies, true)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	if !sys.sip.IsValid() {
		t.Fatal("the engine has no SIP listener")
	}
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
}
