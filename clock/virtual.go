package clock

import (
	"slices"
	"sync"
	"time"
)

// Virtual is a clock that moves only when told to. Timers due by the new
// time run, in order, synchronously inside Advance, so a test knows that
// everything scheduled up to now has happened when Advance returns.
type Virtual struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers []*virtualTimer
}

type virtualTimer struct {
	c    *Virtual
	at   time.Time
	seq  int
	f    func()
	done bool
}

// NewVirtual returns a virtual clock reading start.
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start} }

// Now returns the virtual time.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d.
func (c *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &virtualTimer{c: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock forward by d, running every timer that falls due,
// earliest first; timers scheduled by those timers run too if due.
func (c *Virtual) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		next := c.nextDue(end)
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		next.done = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
	}
}

// Pending reports how many timers are scheduled and not yet run or stopped.
func (c *Virtual) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.done {
			n++
		}
	}
	return n
}

func (c *Virtual) nextDue(end time.Time) *virtualTimer {
	c.timers = slices.DeleteFunc(c.timers, func(t *virtualTimer) bool { return t.done })
	var next *virtualTimer
	for _, t := range c.timers {
		if !t.at.After(end) && (next == nil || t.at.Before(next.at) || (t.at.Equal(next.at) && t.seq < next.seq)) {
			next = t
		}
	}
	return next
}

func (t *virtualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	return true
}

// Reset implements Timer.
func (t *virtualTimer) Reset(d time.Duration) bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	pending := !t.done
	c.seq++
	t.at, t.seq = c.now.Add(d), c.seq
	if !pending {
		t.done = false
		if !slices.Contains(c.timers, t) {
			c.timers = append(c.timers, t)
		}
	}
	return pending
}
