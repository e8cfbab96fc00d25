// Package wakeup runs a loop that polls a durable queue: it looks again at
// once when kicked (a writer just added work) or when a look found more,
// else when its poll interval passes, less often while the queue fails.
package wakeup

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
)

// Signal collects kicks; any number of kicks before a Wait wake it once.
// It is safe for concurrent use.
type Signal struct {
	ch chan struct{}
}

// New returns a signal.
func New() *Signal { return &Signal{ch: make(chan struct{}, 1)} }

// Kick wakes the loop's next (or current) Wait; it never blocks.
func (s *Signal) Kick() {
	select {
	case s.ch <- struct{}{}:
	default:
	}
}

// Wait returns true after a kick or once d has passed on clk, and false
// as soon as ctx ends.
func (s *Signal) Wait(ctx context.Context, clk clock.Clock, d time.Duration) bool {
	tick := make(chan struct{})
	t := clk.AfterFunc(d, func() { close(tick) })
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.ch:
	case <-tick:
	}
	return true
}

// maxBackoff is the longest wait between looks at a failing queue.
const maxBackoff = 30 * time.Second

// Loop calls step until ctx ends: again at once when it reports more
// work, else after a kick or poll on clk. A failing step is reported to
// failed and looked at again after a wait that doubles, up to 30 s.
func (s *Signal) Loop(ctx context.Context, clk clock.Clock, poll time.Duration, step func(context.Context) (more bool, err error), failed func(error)) {
	wait := poll
	for {
		more, err := step(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failed(err)
			wait = min(2*wait, maxBackoff)
		case more:
			continue
		default:
			wait = poll
		}
		if !s.Wait(ctx, clk, wait) {
			return
		}
	}
}
