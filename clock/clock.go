// Package clock lets time-driven code run on the real clock in production
// and on a virtual one in tests, so tests advance time instead of sleeping.
package clock

import "time"

// Clock tells the time and schedules functions.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled call that may be stopped or scheduled again.
type Timer interface {
	// Stop prevents the call if it has not happened; it reports whether it did.
	Stop() bool
	// Reset schedules the call d from now, whether it ran, was stopped or
	// is pending; it reports whether it was pending (time.Timer's Reset).
	Reset(d time.Duration) bool
}

// Real is the system clock.
type Real struct{}

// Now returns the current time.
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
