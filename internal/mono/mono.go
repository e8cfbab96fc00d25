// Package mono reads the monotonic clock as one integer, cheap to carry
// in the messages a call queues, to time the engine's own work between
// an input's arrival and the output it causes.
package mono

import "time"

// epoch is the process's zero; a Time counts from just before it so that
// no reading is zero.
var epoch = time.Now().Add(-time.Nanosecond)

// Time is a monotonic reading in nanoseconds since the process started;
// the zero Time is none.
type Time int64

// Now reads the clock.
func Now() Time { return Time(time.Since(epoch)) }

// IsZero reports whether t is no reading.
func (t Time) IsZero() bool { return t == 0 }

// Since is the time elapsed since t.
func Since(t Time) time.Duration { return time.Duration(Now() - t) }
