package scribe

import (
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// soundDBFS is the frame level (RMS) above which the client takes audio
// for sound the service may transcribe: well above a telephone line's
// background (about -60 dBFS), below quiet speech (about -35 dBFS).
const soundDBFS = -45

// frameTime is the unit the client hears audio in.
const frameTime = voice.FrameDuration

// maxRuns bounds the runs of sound kept: far more than the replay buffer
// spans.
const maxRuns = 512

// run is a stretch of sound, in stream time.
type run struct{ start, end time.Duration }

// hearing is the client's own view of the audio it sent, on the stream
// timeline: where sound starts and stops. The stream's writer feeds it;
// the stream's reading goroutine asks it where speech started and how long a
// segment's sound lasted, so it is locked.
type hearing struct {
	mu      sync.Mutex
	enc     voice.Encoding
	frame   int // bytes per frame
	pending []byte
	bytes   int64 // heard up to, with pending
	pcm     []int16
	to      time.Duration // heard up to (whole frames)
	runs    []run         // oldest first
	sound   bool          // the last frame was sound
}

func newHearing(f voice.Format) *hearing {
	return &hearing{enc: f.Encoding, frame: f.FrameBytes()}
}

// feed hears audio b that starts at byte offset off of the stream (a
// replay repeats audio already heard: that part is skipped). It reports
// whether b holds sound.
func (h *hearing) feed(off int64, b []byte) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if end := off + int64(len(b)); end <= h.bytes {
		return h.holdsSound(h.timeOf(off), h.timeOf(end)+frameTime)
	}
	if off < h.bytes {
		b = b[h.bytes-off:]
	} else if off > h.bytes { // a gap: audio the buffer discarded unheard
		h.bytes, h.pending = off-off%int64(h.frame), h.pending[:0]
		h.to, h.sound = h.timeOf(h.bytes), false
		b = b[off-h.bytes:]
	}
	h.bytes += int64(len(b))
	heard := false
	for len(b) > 0 {
		n := min(h.frame-len(h.pending), len(b))
		h.pending = append(h.pending, b[:n]...)
		b = b[n:]
		if len(h.pending) < h.frame {
			break
		}
		heard = h.hear(h.pending) || heard
		h.pending = h.pending[:0]
	}
	return heard
}

func (h *hearing) timeOf(off int64) time.Duration {
	return time.Duration(off/int64(h.frame)) * frameTime
}

// holdsSound reports whether a run of sound overlaps [from, to).
func (h *hearing) holdsSound(from, to time.Duration) bool {
	for i := len(h.runs) - 1; i >= 0; i-- {
		r := h.runs[i]
		if r.end <= from {
			return false
		}
		if r.start < to {
			return true
		}
	}
	return false
}

// hear classifies one frame.
func (h *hearing) hear(frame []byte) bool {
	switch h.enc {
	case voice.ULaw:
		h.pcm = codecs.DecodeUlaw(h.pcm[:0], frame)
	default:
		h.pcm, _ = codecs.DecodePCM16LE(h.pcm[:0], frame)
	}
	start := h.to
	h.to += frameTime
	loud := codecs.DBFS(h.pcm) > soundDBFS
	switch {
	case loud && h.sound:
		h.runs[len(h.runs)-1].end = h.to
	case loud:
		if len(h.runs) == maxRuns {
			h.runs = append(h.runs[:0], h.runs[1:]...)
		}
		h.runs = append(h.runs, run{start, h.to})
	}
	h.sound = loud
	return loud
}

// heardTo is how far the audio has been heard.
func (h *hearing) heardTo() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.to
}

// soundSince returns the runs of sound at or after t, clipped to it, merging
// those apart by less than minGap.
func (h *hearing) soundSince(t, minGap time.Duration) []run {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []run
	for _, r := range h.runs {
		if r.end <= t {
			continue
		}
		r.start = max(r.start, t)
		if n := len(out); n > 0 && r.start-out[n-1].end < minGap {
			out[n-1].end = r.end
			continue
		}
		out = append(out, r)
	}
	return out
}

// quietAt is, at stream time at, how long the audio had been quiet since
// its last sound (or since t), and how much sound there was from t.
func (h *hearing) quietAt(t, at time.Duration) (silence, sound time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	silence = at - t
	for i := len(h.runs) - 1; i >= 0; i-- {
		r := h.runs[i]
		if r.start >= at {
			continue
		}
		if r.end <= t {
			break
		}
		end := min(r.end, at)
		silence = min(silence, at-end)
		sound += end - max(r.start, t)
	}
	return max(silence, 0), sound
}

// lastSound is the end of the last sound heard; 0 for none.
func (h *hearing) lastSound() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.runs); n > 0 {
		return h.runs[n-1].end
	}
	return 0
}
