package codecs

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const testLead = 60 * time.Millisecond

// sendDue sends every frame due at now and returns their play times.
func sendDue(p *Pacer, now time.Time) []time.Time {
	var at []time.Time
	for p.Due(now) {
		at = append(at, p.Send(now))
	}
	return at
}

// An hour of 20 ms frames, each wake-up 0–5 ms late: the lead goes out at
// once, then exactly one frame per wake-up, every frame on the grid from
// the start, and the carrier never runs dry.
func TestPacerDoesNotDriftOverAnHour(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	p, err := NewPacer(FrameDuration, testLead)
	if err != nil {
		t.Fatal(err)
	}
	first := sendDue(p, epoch)
	if len(first) != int(testLead/FrameDuration) {
		t.Fatalf("the first wake-up sent %d frames, want the lead's %d", len(first), testLead/FrameDuration)
	}
	n := len(first)
	for n < int(time.Hour/FrameDuration) {
		now := p.Next().Add(time.Duration(rng.Int64N(int64(5 * time.Millisecond))))
		at := sendDue(p, now)
		if len(at) != 1 {
			t.Fatalf("frame %d: a wake-up %v late sent %d frames", n, now.Sub(p.Next()), len(at))
		}
		if want := epoch.Add(time.Duration(n) * FrameDuration); !at[0].Equal(want) {
			t.Fatalf("frame %d plays at %v, want %v", n, at[0].Sub(epoch), want.Sub(epoch))
		}
		if !at[0].After(now) {
			t.Fatalf("frame %d sent at %v plays at %v: the carrier ran dry", n, now.Sub(epoch), at[0].Sub(epoch))
		}
		n++
	}
}

// A wake-up on time exactly sends the frame it is for: no zero-length
// waits, no frames sent before they are due.
func TestPacerNextIsExactlyDue(t *testing.T) {
	p, _ := NewPacer(FrameDuration, testLead)
	sendDue(p, epoch)
	next := p.Next()
	if p.Due(next.Add(-time.Nanosecond)) || !p.Due(next) {
		t.Fatalf("Next %v is not the first instant a frame is due", next.Sub(epoch))
	}
}

// A stall shorter than the lead is absorbed: the late frames go out at
// once and play on the old grid. A longer one ran the carrier dry: the
// grid restarts now, with a fresh lead, instead of queueing the past.
func TestPacerStallsAndRestarts(t *testing.T) {
	p, _ := NewPacer(FrameDuration, testLead)
	sendDue(p, epoch) // plays 0, 20, 40 ms
	at := sendDue(p, epoch.Add(30*time.Millisecond))
	if len(at) != 1 || !at[0].Equal(epoch.Add(60*time.Millisecond)) {
		t.Fatalf("after a short stall: %v", at)
	}
	late := epoch.Add(time.Second)
	at = sendDue(p, late)
	if len(at) != 3 || !at[0].Equal(late) || !at[2].Equal(late.Add(40*time.Millisecond)) {
		t.Fatalf("after a long stall: play times %v", at)
	}
}

// A clear drops the queue: the next frames play at once.
func TestPacerClear(t *testing.T) {
	p, _ := NewPacer(FrameDuration, testLead)
	sendDue(p, epoch)
	now := epoch.Add(10 * time.Millisecond)
	p.Clear(now)
	if !p.PlayedBy().Equal(now) {
		t.Fatalf("after a clear the queue plays out at %v", p.PlayedBy().Sub(epoch))
	}
	if at := sendDue(p, now); len(at) != 3 || !at[0].Equal(now) {
		t.Fatalf("after a clear: %v", at)
	}
	p.Clear(now.Add(time.Second)) // a clear after the queue ran out changes nothing
	if !p.PlayedBy().Equal(now.Add(testLead)) {
		t.Fatalf("a clear of an empty queue moved it to %v", p.PlayedBy().Sub(epoch))
	}
}

func TestNewPacerValidates(t *testing.T) {
	for _, c := range []struct{ frame, lead time.Duration }{{0, testLead}, {FrameDuration, FrameDuration / 2}} {
		if _, err := NewPacer(c.frame, c.lead); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewPacer(%v, %v) = %v", c.frame, c.lead, err)
		}
	}
}
