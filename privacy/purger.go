package privacy

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/wakeup"
)

// Store deletes what was said on private calls that nothing needs any
// more: *persistence.Store.
type Store interface {
	PurgePrivateCalls(ctx context.Context, now time.Time, limit int) (int, error)
}

// Purger deletes what was said on ended private calls once their analysis
// and webhooks are done with it. It looks when kicked (a call's end was
// written, an analysis finished) and every poll, for the webhook that was
// delivered meanwhile; any number of nodes may run one.
type Purger struct {
	store Store
	clk   clock.Clock
	log   *slog.Logger
	wake  *wakeup.Signal
}

// purgeBatch bounds the calls one look purges in one statement.
const purgeBatch = 100

// pollEvery is how long after its last webhook a private call's words
// may stay at most, give or take a look.
const pollEvery = 10 * time.Second

// NewPurger returns a purger; Run runs it.
func NewPurger(store Store, clk clock.Clock, log *slog.Logger) *Purger {
	return &Purger{store: store, clk: clk, log: log, wake: wakeup.New()}
}

// Kick makes the purger look now.
func (p *Purger) Kick() { p.wake.Kick() }

// Run purges until ctx ends.
func (p *Purger) Run(ctx context.Context) {
	p.wake.Loop(ctx, p.clk, pollEvery, func(ctx context.Context) (bool, error) {
		n, err := p.PurgeDue(ctx)
		return n == purgeBatch, err
	}, func(err error) { p.log.Warn("private calls not purged", "err", err) })
}

// PurgeDue purges up to a batch of the private calls due now and returns
// how many. It is Run's single step, for tests.
func (p *Purger) PurgeDue(ctx context.Context) (int, error) {
	return p.store.PurgePrivateCalls(ctx, p.clk.Now(), purgeBatch)
}
