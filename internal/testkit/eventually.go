// Package testkit holds helpers shared by the project's tests.
package testkit

import (
	"testing"
	"time"
)

// Eventually polls check until it returns nil or total elapses, then fails
// the test with the last error. Tests use it instead of sleeping for
// something that happens on another goroutine.
func Eventually(t testing.TB, total time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	wait := time.Millisecond
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %v", total, err)
		}
		time.Sleep(wait)
		wait = min(2*wait, 50*time.Millisecond)
	}
}
