package carriertest

import (
	"maps"
	"slices"
	"sync"
)

// Calls are a fake's calls by id.
type Calls[C any] struct {
	mu sync.Mutex
	m  map[string]C
}

// Add registers c under id.
func (cs *Calls[C]) Add(id string, c C) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.m == nil {
		cs.m = map[string]C{}
	}
	cs.m[id] = c
}

// Get returns the call with id, if any.
func (cs *Calls[C]) Get(id string) (C, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.m[id]
	return c, ok
}

// All returns every call, in no order.
func (cs *Calls[C]) All() []C {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return slices.Collect(maps.Values(cs.m))
}

// Remove forgets the call with id (a long load run keeps memory flat).
func (cs *Calls[C]) Remove(id string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(cs.m, id)
}
