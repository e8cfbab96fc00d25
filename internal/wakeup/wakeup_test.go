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
