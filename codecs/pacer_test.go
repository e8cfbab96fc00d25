package codecs

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// simClock is a virtual clock for single-goroutine tests: a timer fires as
// soon as it is created, after moving the clock to its deadline plus a
// simulated scheduling latency.
type simClock struct {
	now     time.Time
	latency func() time.Duration
}

func (c *simClock) Now() time.Time { return c.now }

func (c *simClock) NewTimer(d time.Duration) Timer {
	c.now = c.now.Add(d + c.latency())
	ch := make(chan time.Time, 1)
	ch <- c.now
	return firedTimer(ch)
}

// stall moves the clock forward as if the consumer were busy.
func (c *simClock) stall(d time.Duration) { c.now = c.now.Add(d) }

type firedTimer chan time.Time

func (t firedTimer) C() <-chan time.Time { return t }
func (t firedTimer) Stop() bool          { return false }

// stoppedClock never fires its timers.
type stoppedClock struct{ now time.Time }

func (c stoppedClock) Now() time.Time             { return c.now }
func (stoppedClock) NewTimer(time.Duration) Timer { return firedTimer(make(chan time.Time)) }

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestPacerDoesNotDriftOverAnHour runs an hour of 20 ms ticks with 0–5 ms of
// random timer latency on every wake-up: every deadline stays on the
// absolute grid and no tick is released later than one latency.
func TestPacerDoesNotDriftOverAnHour(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	clock := &simClock{now: epoch, latency: func() time.Duration { return time.Duration(rng.Int64N(int64(5 * time.Millisecond))) }}
	p, err := NewPacer(clock, FrameDuration, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	const ticks = int(time.Hour / FrameDuration)
	for n := range ticks + 1 {
		due, err := p.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := epoch.Add(time.Duration(n) * FrameDuration); !due.Equal(want) {
			t.Fatalf("tick %d due %v, want %v", n, due.Sub(epoch), want.Sub(epoch))
		}
		if late := clock.now.Sub(due); late < 0 || late >= 5*time.Millisecond {
			t.Fatalf("tick %d released %v after its deadline", n, late)
		}
	}
	if end := clock.now.Sub(epoch); end < time.Hour || end >= time.Hour+5*time.Millisecond {
		t.Errorf("an hour of ticks took %v", end)
	}
}

func TestPacerCatchesUpThenReanchors(t *testing.T) {
	clock := &simClock{now: epoch, latency: func() time.Duration { return 0 }}
	p, _ := NewPacer(clock, FrameDuration, 100*time.Millisecond)
	for range 10 {
		p.Wait(context.Background())
	}
	// 90 ms behind: the overdue ticks come at once, then the old grid resumes.
	clock.stall(90 * time.Millisecond)
	burstAt := clock.now
	var dues []time.Duration
	var released []time.Time
	for range 6 {
		due, _ := p.Wait(context.Background())
		dues = append(dues, due.Sub(epoch))
		released = append(released, clock.now)
	}
	want := []time.Duration{200, 220, 240, 260, 280, 300}
	for i, d := range dues {
		if d != want[i]*time.Millisecond {
			t.Fatalf("after a 90 ms stall: deadlines %v", dues)
		}
	}
	if !released[3].Equal(burstAt) || !released[5].Equal(epoch.Add(300*time.Millisecond)) {
		t.Errorf("overdue ticks were not released at once: %v", released)
	}

	// A second behind: no burst; the schedule restarts now.
	clock.stall(time.Second)
	restart := clock.now
	for n := range 3 {
		due, _ := p.Wait(context.Background())
		if want := restart.Add(time.Duration(n) * FrameDuration); !due.Equal(want) {
			t.Fatalf("after a 1 s stall: tick %d due %v, want %v", n, due.Sub(epoch), want.Sub(epoch))
		}
	}
}

func TestPacerReset(t *testing.T) {
	clock := &simClock{now: epoch, latency: func() time.Duration { return 0 }}
	p, _ := NewPacer(clock, FrameDuration, time.Hour)
	p.Wait(context.Background())
	p.Wait(context.Background())
	clock.stall(time.Minute) // within maxLag, but the stream paused on purpose
	p.Reset()
	if due, _ := p.Wait(context.Background()); !due.Equal(clock.now) {
		t.Errorf("first tick after Reset due %v, now %v", due, clock.now)
	}
}

func TestPacerContextCancel(t *testing.T) {
	p, _ := NewPacer(stoppedClock{epoch}, FrameDuration, time.Second)
	if _, err := p.Wait(context.Background()); err != nil { // first tick is immediate
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
}

func TestNewPacerValidates(t *testing.T) {
	for _, c := range []struct {
		clock         Clock
		interval, lag time.Duration
	}{{nil, FrameDuration, time.Second}, {SystemClock, 0, time.Second}, {SystemClock, FrameDuration, time.Millisecond}} {
		if _, err := NewPacer(c.clock, c.interval, c.lag); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewPacer(%v, %v, %v) = %v", c.clock, c.interval, c.lag, err)
		}
	}
}

// TestPacerSystemClock runs a few real 1 ms ticks: deadlines on the grid,
// none released early.
func TestPacerSystemClock(t *testing.T) {
	p, _ := NewPacer(SystemClock, time.Millisecond, time.Second)
	first, _ := p.Wait(context.Background())
	for n := 1; n <= 3; n++ {
		due, err := p.Wait(context.Background())
		if err != nil || due.Sub(first) != time.Duration(n)*time.Millisecond || time.Now().Before(due) {
			t.Fatalf("tick %d: due %v after start, err %v", n, due.Sub(first), err)
		}
	}
}
