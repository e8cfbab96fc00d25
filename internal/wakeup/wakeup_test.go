package wakeup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/internal/wakeup"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestWait(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	s := wakeup.New()
	s.Kick()
	s.Kick() // kicks before a wait wake it once
	if !s.Wait(context.Background(), clk, time.Hour) {
		t.Fatal("a kick did not wake it")
	}
	done := make(chan bool)
	go func() { done <- s.Wait(context.Background(), clk, time.Minute) }()
	testkit.Eventually(t, 10*time.Second, func() error {
		if clk.Pending() == 0 {
			return errors.New("not waiting yet")
		}
		return nil
	})
	clk.Advance(time.Minute)
	if !<-done {
		t.Fatal("the poll interval did not wake it")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s.Wait(ctx, clk, time.Hour) {
		t.Fatal("an ended context did not stop it")
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d timers left behind", clk.Pending())
	}
}

// The loop looks again at once while there is more, after the poll
// interval or a kick when not, and less often while the queue fails.
func TestLoop(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	s := wakeup.New()
	type result struct {
		more bool
		err  error
	}
	results := []result{{more: true}, {}, {err: errors.New("down")}, {}}
	steps, failed := make(chan int, 10), make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n := 0
		s.Loop(ctx, clk, time.Second, func(context.Context) (bool, error) {
			r := results[min(n, len(results)-1)]
			n++
			steps <- n
			return r.more, r.err
		}, func(err error) { failed <- err })
	}()
	waiting := func() {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, func() error {
			if clk.Pending() == 0 {
				return errors.New("not waiting yet")
			}
			return nil
		})
	}
	if <-steps != 1 || <-steps != 2 { // more: at once
		t.Fatal("steps out of order")
	}
	waiting()
	clk.Advance(time.Second) // the poll
	if <-steps != 3 || (<-failed).Error() != "down" {
		t.Fatal("the failure was not reported")
	}
	waiting()
	clk.Advance(time.Second)
	select {
	case n := <-steps:
		t.Fatalf("step %d one poll after a failure: the wait did not double", n)
	default:
	}
	clk.Advance(time.Second)
	if <-steps != 4 {
		t.Fatal("no step after the doubled wait")
	}
	waiting()
	s.Kick()
	if <-steps != 5 {
		t.Fatal("a kick did not wake the loop")
	}
	waiting()
	cancel()
	<-done
}
