package bench

import (
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

const (
	frameDuration = fakespeech.FrameDuration
	// leadFrames are sent at once when a reply starts (the engine keeps
	// 60 ms queued at the carrier); pacing is judged after them.
	leadFrames = 3
	// spurtGap ends a stretch of audio: a longer silence is a new reply.
	spurtGap = 250 * time.Millisecond
)

// Pacing is how evenly the engine's audio reached the callers.
type Pacing struct {
	Frames int `json:"frames"`
	// Jitter: how far the gap between two consecutive frames of a reply
	// strays from 20 ms, after a reply's first leadFrames.
	Jitter Summary `json:"jitter"`
	// Late frames arrived after the caller's playout reached them: it had
	// nothing to play for a frame or more (Underruns counts such stalls,
	// MissingFrames the 20 ms of silence they inserted in all).
	Late          int `json:"late"`
	Underruns     int `json:"underruns"`
	MissingFrames int `json:"missing_frames"`
}

// LateRatio is the share of frames that came late.
func (p Pacing) LateRatio() float64 {
	if p.Frames == 0 {
		return 0
	}
	return float64(p.Late) / float64(p.Frames)
}

// pacingMeter adds up every call's pacing, lock-free.
type pacingMeter struct {
	jitter                       histogram
	frames, late, under, missing atomic.Int64
}

// stream times one call's frames; observe must be called in order (the
// phone calls it under its lock).
type stream struct {
	m       *pacingMeter
	start   time.Time // when the stretch's first frame would have played
	last    time.Time
	k       int  // frames in the stretch
	stalled bool // the previous frame was late
}

func (m *pacingMeter) stream() *stream { return &stream{m: m} }

// observe takes one frame arriving at t. The caller plays a stretch from
// its first frame's arrival, one frame per 20 ms, as a carrier does; a
// frame arriving after its turn to play (with one frame of slack for the
// caller's own tick) is late, and the playout resumes from it.
func (s *stream) observe(t time.Time, _ []byte) {
	s.m.frames.Add(1)
	if s.last.IsZero() || t.Sub(s.last) >= spurtGap {
		s.start, s.k, s.stalled = t, 0, false
	} else if s.k >= leadFrames {
		s.m.jitter.add((t.Sub(s.last) - frameDuration).Abs())
	}
	s.last = t
	due := s.start.Add(time.Duration(s.k+1) * frameDuration)
	if behind := t.Sub(due); behind > 0 {
		s.m.late.Add(1)
		s.m.missing.Add(int64((behind + frameDuration - 1) / frameDuration))
		if !s.stalled {
			s.m.under.Add(1)
		}
		s.stalled = true
		s.start = s.start.Add(behind)
	} else {
		s.stalled = false
	}
	s.k++
}

func (m *pacingMeter) result() Pacing {
	return Pacing{Frames: int(m.frames.Load()), Jitter: m.jitter.summary(), Late: int(m.late.Load()),
		Underruns: int(m.under.Load()), MissingFrames: int(m.missing.Load())}
}
