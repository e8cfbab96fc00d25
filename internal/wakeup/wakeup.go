// Package wakeup wakes a loop that polls a durable queue: at once when
// kicked (a writer just added work), else when its poll interval passes.
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
