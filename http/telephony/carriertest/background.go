package carriertest

import (
	"context"
	"sync"
	"time"
)

// Background runs a fake's own goroutines (callbacks, call scripts), so
// that closing the fake can wait for them.
type Background struct{ wg sync.WaitGroup }

// Go runs f in the background.
func (b *Background) Go(f func()) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		f()
	}()
}

// Within runs f in the background with a context that times out after d,
// as a carrier gives up on a slow webhook.
func (b *Background) Within(d time.Duration, f func(ctx context.Context)) {
	b.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		f(ctx)
	})
}

// Wait waits for everything started so far.
func (b *Background) Wait() { b.wg.Wait() }
