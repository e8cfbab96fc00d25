package providers

// Capacity counts the streams on limited keys across the engines of a
// cluster (package nodes), so that a key's limit holds for all of them
// together. Without one, a Set counts its own streams.
type Capacity interface {
	// Take claims one of limit (> 0) streams on a key of a provider for
	// a kind of stream (stt or tts); ok is false when all are taken, err
	// when they could not be counted.
	Take(kind, provider, key string, limit int) (release func(), ok bool, err error)
}

// SetCapacity makes the Set count limited keys' streams with c; set it
// before the Set opens streams.
func (s *Set) SetCapacity(c Capacity) { s.capacity = c }

// take claims a slot on a key: from the cluster's count when the key is
// limited and the engine is a node of one, else from this Set's.
func (s *Set) take(k slotKey, limit int) (release func(), ok bool, err error) {
	if s.capacity == nil || limit <= 0 {
		release, ok = s.slots.take(k, limit)
		return release, ok, nil
	}
	return s.capacity.Take(k.kind, k.provider, k.key, limit)
}
