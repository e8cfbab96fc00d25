// Package ptr reads optional values: configurations and wire messages use
// pointers to tell an absent field from a zero one.
package ptr

// Value is what p points at, or the zero value when p is nil.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
