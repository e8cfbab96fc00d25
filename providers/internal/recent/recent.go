// Package recent bounds what the fakes remember of their traffic: every
// request or socket they served, for tests to inspect, but only the newest
// ones, so that a fake serving a long benchmark or `switchboard fakes`
// does not grow without end.
package recent

// Keep is how many records are kept at least; a test that needs more
// records than this from one fake is not a test.
const Keep = 1000

// Append adds v to s, dropping the oldest records once s holds 2×Keep
// (amortised: one copy per Keep appends).
func Append[T any](s []T, v T) []T {
	if len(s) >= 2*Keep {
		n := copy(s, s[len(s)-Keep:])
		clear(s[n:])
		s = s[:n]
	}
	return append(s, v)
}
