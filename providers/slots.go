package providers

import (
	"context"
	"sync"
)

// slotKey names a key's streams of one kind (stt or tts) at one provider.
type slotKey struct {
	kind, provider, key string
}

// slots counts the streams open on each key.
type slots struct {
	mu   sync.Mutex
	used map[slotKey]int
}

// take claims a slot if the key has one free under limit (0: no limit);
// release gives it back, once, however often it is called.
func (s *slots) take(k slotKey, limit int) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if limit > 0 && s.used[k] >= limit {
		return nil, false
	}
	s.used[k]++
	return sync.OnceFunc(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.used[k]--; s.used[k] <= 0 {
			delete(s.used, k)
		}
	}), true
}

// held ties a slot's release to the end of what holds it: its Close, or
// its context ending, whichever comes first, so no path leaks a slot.
type held struct {
	release func()
	stop    func() bool
}

func hold(ctx context.Context, release func()) held {
	return held{release: release, stop: context.AfterFunc(ctx, release)}
}

func (h held) done() {
	h.stop()
	h.release()
}
