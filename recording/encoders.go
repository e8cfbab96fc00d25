package recording

// Encoders bounds how many recordings a node encodes at once. Encoding
// (MP3 above all) is nearly all a recording costs, and it runs when calls
// end, on the goroutine that closes the recorder, not while calls last; a
// burst of calls ending waits its turn instead of taking every core. A nil
// *Encoders bounds nothing.
type Encoders struct{ slots chan struct{} }

// NewEncoders allows n encodings at once (at least one).
func NewEncoders(n int) *Encoders { return &Encoders{slots: make(chan struct{}, max(n, 1))} }

// acquire waits for a slot and returns its release.
func (e *Encoders) acquire() func() {
	if e == nil {
		return func() {}
	}
	e.slots <- struct{}{}
	return func() { <-e.slots }
}
