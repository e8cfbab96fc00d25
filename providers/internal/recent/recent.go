// Package recent bounds what the fakes remember of their traffic: every
// request or socket they served, for tests to inspect, but only the newest
// ones, so that a fake serving a long benchmark or `switchboard fakes`
// does not grow without end.
package recent

// Keep is how many records are kept at least; a test that needs more
// records than this from one fake is not a test.
const Keep = 1000

// Policy is what a fake keeps of its traffic.
type Policy int

const (
	// Newest keeps the newest Keep records at least, for tests to read.
	Newest Policy = iota
	// Nothing keeps no record: a fake serving a long run (the benchmark's
	// soak, the demo, `switchboard fakes`) must not hold up to 2×Keep of
	// them, or the run's memory grows for as long as they take to fill.
	Nothing
)

// Append adds v to s, dropping the oldest records once s holds 2×Keep
// (amortised: one copy per Keep appends); under Nothing, s stays empty.
func Append[T any](p Policy, s []T, v T) []T {
	if p == Nothing {
		return s
	}
	if len(s) >= 2*Keep {
		n := copy(s, s[len(s)-Keep:])
		clear(s[n:])
		s = s[:n]
	}
	return append(s, v)
}
