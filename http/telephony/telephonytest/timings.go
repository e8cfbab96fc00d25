package telephonytest

import (
	"sync/atomic"
	"time"
)

// Timings counts the engine's overhead timings a hub's streams record.
type Timings struct{ frames, clears atomic.Int64 }

// AudioToFrame implements telephony.Timings.
func (t *Timings) AudioToFrame(d time.Duration) { count(&t.frames, d) }

// BargeInToClear implements telephony.Timings.
func (t *Timings) BargeInToClear(d time.Duration) { count(&t.clears, d) }

// count counts a timing; a negative one would be a stamp from nowhere,
// so it is not counted and the test waiting for it fails.
func count(n *atomic.Int64, d time.Duration) {
	if d >= 0 {
		n.Add(1)
	}
}

// Frames and Clears are the timings recorded so far.
func (t *Timings) Frames() int64 { return t.frames.Load() }
func (t *Timings) Clears() int64 { return t.clears.Load() }
