package carriertest

import "sync"

// Log keeps what a fake received (API requests, messages) for tests to
// inspect.
type Log[T any] struct {
	mu   sync.Mutex
	list []T
}

// Add appends v.
func (l *Log[T]) Add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, v)
}

// All returns a copy of what was added so far.
func (l *Log[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.list...)
}
