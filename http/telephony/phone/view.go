package phone

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Heard returns the words heard so far.
func (p *Phone) Heard() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.heard)
}

// Transcript is what was heard, as one string.
func (p *Phone) Transcript() string { return strings.Join(p.Heard(), " ") }

// Tones returns the DTMF keys heard, in order.
func (p *Phone) Tones() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.tones)
}

// Clears counts the clears received.
func (p *Phone) Clears() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cleared
}

// Frames counts the assistant's frames received.
func (p *Phone) Frames() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frames
}

// Queued is how many frames wait to be played.
func (p *Phone) Queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, it := range p.queue {
		if it.frame != nil {
			n++
		}
	}
	return n
}

// Quiet reports whether no speech is left to play and no audio arrived
// for d: the assistant has finished speaking. Silence still queued does
// not count: RTP carries it without pause.
func (p *Phone) Quiet(d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.audioQueued() && p.now().Sub(p.audioAt) >= d
}

// Timings are a call's measured latencies, in order.
type Timings struct {
	// Replies: from the caller's last speech frame sent to the first frame
	// of the assistant's answer received.
	Replies []time.Duration
	// BargeIns: from the caller's first frame talking over the assistant to
	// the carrier's clear received.
	BargeIns []time.Duration
}

// Timings returns the latencies measured so far.
func (p *Phone) Timings() Timings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Timings{Replies: slices.Clone(p.replies), BargeIns: slices.Clone(p.barges)}
}

// Wait blocks until cond holds for the phone, or ctx is done.
func (p *Phone) Wait(ctx context.Context, cond func(p *Phone) bool) error {
	for {
		if cond(p) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.changed:
		case <-time.After(50 * time.Millisecond): // conditions on things the phone does not signal
		}
	}
}

// WaitHeard waits until the transcript contains text.
func (p *Phone) WaitHeard(ctx context.Context, text string) error {
	return p.Wait(ctx, func(p *Phone) bool { return strings.Contains(p.Transcript(), text) })
}
