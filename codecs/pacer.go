package codecs

import (
	"fmt"
	"time"
)

// Pacer paces frames to a carrier that plays what it is sent in order and
// in real time, keeping its queue topped up to a lead ahead of what it is
// playing: enough to ride out a late timer, little enough that a clear
// drops little and a pause takes effect at once.
//
// Frames are placed on a grid that starts when playback starts: a late
// timer delays a send but not the frames after it, so the stream does not
// drift however long the call. A carrier that ran dry (nothing to send, or
// a sender stalled for longer than the lead) played silence meanwhile, so
// the grid restarts at the present rather than bursting to catch up.
//
// A Pacer reads no clock: it is told the time. It is not safe for
// concurrent use.
type Pacer struct {
	frame, lead time.Duration
	until       time.Time // when everything sent so far will have played
}

// NewPacer returns a Pacer for frames of the given length that keeps lead
// of audio queued at the carrier (at least one frame).
func NewPacer(frame, lead time.Duration) (*Pacer, error) {
	if frame <= 0 || lead < frame {
		return nil, fmt.Errorf("%w: pacer frame %v, lead %v", ErrInvalidConfig, frame, lead)
	}
	return &Pacer{frame: frame, lead: lead}, nil
}

// Due reports whether a frame should be sent at now: whether one more
// frame keeps the queue within the lead.
func (p *Pacer) Due(now time.Time) bool {
	return !p.until.Add(p.frame).After(now.Add(p.lead))
}

// Send records a frame sent at now and returns when the carrier will
// start playing it.
func (p *Pacer) Send(now time.Time) time.Time {
	if p.until.Before(now) {
		p.until = now // the carrier ran dry: a new grid from now
	}
	at := p.until
	p.until = at.Add(p.frame)
	return at
}

// Next is when the next frame falls due (in the past if one is due now).
func (p *Pacer) Next() time.Time { return p.until.Add(p.frame - p.lead) }

// Clear records that the carrier dropped what it had queued, at now.
func (p *Pacer) Clear(now time.Time) {
	if p.until.After(now) {
		p.until = now
	}
}

// PlayedBy is when everything sent so far will have played.
func (p *Pacer) PlayedBy() time.Time { return p.until }
