package codecs

import (
	"context"
	"fmt"
	"time"
)

// Clock is the time source of a Pacer. Tests drive a Pacer with a virtual
// clock; production uses SystemClock.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer a Pacer needs.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the real, monotonic clock.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time                 { return time.Now() }
func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }

// Pacer releases one tick per interval (one 20 ms frame to a carrier) on an
// absolute schedule: tick n is due at start + n·interval. Timer latency
// delays a tick but never the ones after it, so the stream does not drift,
// however long the call. A consumer that falls behind gets overdue ticks
// immediately and catches up; one that falls more than maxLag behind (a
// stalled goroutine, an idle stream) is re-anchored to the current time
// instead of bursting everything it missed. A Pacer is not safe for
// concurrent use.
type Pacer struct {
	clock    Clock
	interval time.Duration
	maxLag   time.Duration
	start    time.Time
	next     int64 // index of the next tick; -1 before the schedule starts
}

// NewPacer returns a Pacer ticking every interval on clock. maxLag, at least
// one interval, bounds how far behind schedule it catches up.
func NewPacer(clock Clock, interval, maxLag time.Duration) (*Pacer, error) {
	if clock == nil || interval <= 0 || maxLag < interval {
		return nil, fmt.Errorf("%w: pacer interval %v, max lag %v", ErrInvalidConfig, interval, maxLag)
	}
	return &Pacer{clock: clock, interval: interval, maxLag: maxLag, next: -1}, nil
}

// Wait blocks until the next tick is due and returns its deadline. The first
// call (and the first after Reset) starts the schedule and returns at once.
// It returns ctx's error if ctx ends first; the tick is then still pending.
func (p *Pacer) Wait(ctx context.Context) (time.Time, error) {
	now := p.clock.Now()
	if p.next < 0 {
		p.start, p.next = now, 0
	}
	due := p.start.Add(time.Duration(p.next) * p.interval)
	if now.Sub(due) > p.maxLag {
		p.start, p.next, due = now, 0, now
	}
	if wait := due.Sub(now); wait > 0 {
		t := p.clock.NewTimer(wait)
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return time.Time{}, ctx.Err()
		}
	}
	p.next++
	return due, nil
}

// Reset makes the next Wait start a new schedule, for a stream that paused
// on purpose (nothing to play) rather than fell behind.
func (p *Pacer) Reset() {
	p.next = -1
}
