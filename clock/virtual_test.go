package clock

import (
	"slices"
	"testing"
	"time"
)

func TestVirtualRunsTimersInOrder(t *testing.T) {
	c := NewVirtual(time.Unix(0, 0))
	var got []string
	c.AfterFunc(30*time.Millisecond, func() { got = append(got, "c") })
	c.AfterFunc(10*time.Millisecond, func() {
		got = append(got, "a")
		c.AfterFunc(5*time.Millisecond, func() { got = append(got, "a+5") }) // due within the same Advance
	})
	c.AfterFunc(20*time.Millisecond, func() { got = append(got, "b") })
	stopped := c.AfterFunc(25*time.Millisecond, func() { got = append(got, "never") })
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should succeed once")
	}
	c.Advance(20 * time.Millisecond)
	if !slices.Equal(got, []string{"a", "a+5", "b"}) {
		t.Fatalf("after 20ms: %v", got)
	}
	if now := c.Now(); now != time.Unix(0, 0).Add(20*time.Millisecond) {
		t.Fatalf("Now = %v", now)
	}
	if c.Pending() != 1 {
		t.Fatalf("Pending = %d", c.Pending())
	}
	c.Advance(time.Second)
	if !slices.Equal(got, []string{"a", "a+5", "b", "c"}) || c.Pending() != 0 {
		t.Fatalf("after 1s: %v (pending %d)", got, c.Pending())
	}
}

// A timer reset while pending moves; one reset after it ran or was
// stopped runs again, once, including when reset from its own call.
func TestVirtualTimerReset(t *testing.T) {
	c := NewVirtual(time.Unix(0, 0))
	runs := 0
	var tm Timer
	tm = c.AfterFunc(10*time.Millisecond, func() {
		runs++
		if runs == 1 {
			tm.Reset(10 * time.Millisecond) // a periodic tick
		}
	})
	if !tm.Reset(30 * time.Millisecond) {
		t.Fatal("a pending timer's Reset should report it pending")
	}
	c.Advance(20 * time.Millisecond)
	if runs != 0 {
		t.Fatalf("moved timer ran early: %d", runs)
	}
	c.Advance(10 * time.Millisecond) // 30 ms: runs, and resets itself to 40 ms
	c.Advance(10 * time.Millisecond)
	if runs != 2 || c.Pending() != 0 {
		t.Fatalf("runs %d, pending %d", runs, c.Pending())
	}
	if tm.Reset(5*time.Millisecond) || !tm.Stop() || tm.Reset(5*time.Millisecond) {
		t.Fatal("Reset after running or stopping should report it was not pending")
	}
	c.Advance(time.Second)
	if runs != 3 || c.Pending() != 0 {
		t.Fatalf("runs %d, pending %d after the last reset", runs, c.Pending())
	}
}
