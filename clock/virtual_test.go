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
