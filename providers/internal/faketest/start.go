// Package faketest runs the provider fakes in tests.
package faketest

import "testing"

// Start starts a fake with opts by start, closed when t ends.
func Start[O any, S interface{ Close() }](t testing.TB, start func(O) (S, error), opts O) S {
	t.Helper()
	srv, err := start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
