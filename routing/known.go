package routing

import (
	"context"
	"errors"
	"sync"

	"github.com/switchboard-voice/switchboard/persistence"
)

// known is the numbers this node has resolved, each as last read. While
// the database is away a call to one of them is still routed: its
// assistant is in the registry, and its records are buffered anyway. A
// number the node never resolved cannot be, and its caller hears the
// apology. There is one entry per number the database holds and a call
// reached, refreshed by every lookup and dropped when one finds the number
// gone, so the map grows with the numbers, not with the calls.
type known struct {
	mu      sync.Mutex
	numbers map[string]persistence.PhoneNumber
}

func (k *known) remember(number string, n persistence.PhoneNumber) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.numbers == nil {
		k.numbers = map[string]persistence.PhoneNumber{}
	}
	k.numbers[number] = n
}

func (k *known) forget(number string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.numbers, number)
}

func (k *known) lookup(number string) (persistence.PhoneNumber, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	n, ok := k.numbers[number]
	return n, ok
}

// number reads a number's row; while the database is away, the row as
// this node last read it, if it has.
func (d *Directory) number(ctx context.Context, number string) (persistence.PhoneNumber, error) {
	n, err := d.Store.PhoneNumberByNumber(ctx, number)
	switch {
	case err == nil:
		d.known.remember(number, n)
	case errors.Is(err, persistence.ErrNotFound):
		d.known.forget(number)
	default:
		if last, ok := d.known.lookup(number); ok {
			d.Log.Warn("database unavailable: the number routes as this node last read it", "number", number, "err", err)
			return last, nil
		}
	}
	return n, err
}
