package turn

import (
	"bytes"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// A track hands out whole frames, a mark every fifth and after the last,
// waits for audio while synthesis lags, and pads the utterance's last
// frame with silence.
func TestTrackFramesAndMarks(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tr := newTrack("r1", voice.Telephony)
	fb := voice.Telephony.FrameBytes()
	tr.add(bytes.Repeat([]byte{1}, 6*fb+fb/2), nil)
	var marks []string
	for i := range 6 {
		frame, mark, ok := tr.next(now)
		if !ok || len(frame) != fb {
			t.Fatalf("frame %d: ok %v, %d bytes", i, ok, len(frame))
		}
		if mark != "" {
			marks = append(marks, mark)
		}
	}
	if _, _, ok := tr.next(now); ok {
		t.Fatal("half a frame went out while synthesis may send more")
	}
	tr.done = true
	frame, mark, ok := tr.next(now)
	if !ok || len(frame) != fb || frame[fb/2] != voice.Telephony.Silence()[0] || frame[0] != 1 {
		t.Fatalf("last frame ok %v: %v", ok, frame)
	}
	marks = append(marks, mark)
	if want := []string{"r1:800", "r1:1040"}; len(marks) != 2 || marks[0] != want[0] || marks[1] != want[1] {
		t.Fatalf("marks %v, want %v", marks, want)
	}
	if _, _, ok := tr.next(now); ok || !tr.finished() {
		t.Fatal("a finished track gave another frame")
	}
	if tr.playedOut(now) {
		t.Fatal("played out before the last mark or the grace")
	}
	if !tr.marked("r1:1040") || !tr.playedOut(now) {
		t.Fatal("not played out after its last mark")
	}
}

// Without its last mark a track counts as played a grace after its last
// frame; a mark after a clear means nothing.
func TestTrackPlayoutGraceAndClear(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tr := newTrack("r2", voice.Telephony)
	tr.add(make([]byte, voice.Telephony.FrameBytes()), nil)
	tr.done = true
	tr.next(now)
	at, ok := tr.playoutDeadline()
	if !ok || tr.playedOut(at.Add(-time.Millisecond)) || !tr.playedOut(at) {
		t.Fatalf("grace deadline %v (%v) not honoured", at, ok)
	}
	tr2 := newTrack("r3", voice.Telephony)
	tr2.add(make([]byte, voice.Telephony.FrameBytes()), nil)
	tr2.next(now)
	tr2.cleared = true
	if tr2.marked("r3:160") || tr2.heard != 0 {
		t.Fatal("a mark echoed after a clear counted as played")
	}
}

// Whole frames are handed out without an allocation each, and what a
// frame's user writes into it (the background sound mixed in) changes
// neither the frames after it nor audio added later.
func TestTrackFramesDoNotAllocate(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tr := newTrack("r1", voice.Telephony)
	fb := voice.Telephony.FrameBytes()
	tr.add(bytes.Repeat([]byte{1}, 200*fb), nil)
	frame, _, _ := tr.next(now)
	clear(frame[:cap(frame)])
	frame = append(frame, 9) // past the frame: must not reach the track's audio
	tr.add(bytes.Repeat([]byte{2}, fb), nil)
	if next, _, _ := tr.next(now); next[0] != 1 || frame[fb] != 9 {
		t.Fatalf("the next frame starts %d after the first was written to", next[0])
	}
	allocs := testing.AllocsPerRun(100, func() {
		if f, _, ok := tr.next(now); !ok || len(f) != fb {
			t.Fatal("no frame")
		}
	})
	if allocs > 0 {
		t.Fatalf("%.1f allocations per frame", allocs)
	}
	for tr.audio.Peek(0, 1)[0] != 2 {
		tr.next(now)
	}
	if f, _, _ := tr.next(now); f[0] != 2 || f[fb-1] != 2 {
		t.Fatal("audio added after a frame was written to is not intact")
	}
}
