package fifo

import (
	"bytes"
	"testing"
)

// A long stretch taken off the front lets go of the array it filled, what
// is left and what follows stay in order, and a slice handed out before is
// unchanged.
func TestDiscardReleasesWhatWasTaken(t *testing.T) {
	const frame = 160             // 20 ms of telephony audio
	audio := make([]byte, 4*8000) // 4 s, each frame's bytes its index
	for i := range audio {
		audio[i] = byte(i / frame)
	}
	var q Bytes
	for i := 0; i < len(audio); i += frame {
		q.Append(audio[i : i+frame])
	}
	sending := q.Bytes()[len(audio)-2*frame : len(audio)-frame] // a frame being sent
	before := bytes.Clone(sending)
	q.Discard(len(audio) - 5*frame) // all but the last 100 ms
	if !bytes.Equal(q.Bytes(), audio[len(audio)-5*frame:]) || q.Len() != 5*frame {
		t.Fatalf("holds %d bytes, not the last %d", q.Len(), 5*frame)
	}
	if c := cap(q.Bytes()); c > 2*5*frame {
		t.Errorf("the array is %d bytes after the discard, want ≤ %d", c, 2*5*frame)
	}
	if !bytes.Equal(sending, before) {
		t.Error("the frame being sent changed")
	}
	q.Append(audio[:frame])
	if want := append(bytes.Clone(audio[len(audio)-5*frame:]), audio[:frame]...); !bytes.Equal(q.Bytes(), want) {
		t.Errorf("after an append: %d bytes, not the kept audio and the new frame", q.Len())
	}
	// a short stretch taken keeps the array: no copy on every frame
	c := cap(q.Bytes())
	q.Discard(frame)
	if cap(q.Bytes()) != c-frame {
		t.Errorf("a 20 ms discard moved the queue (cap %d → %d)", c, cap(q.Bytes()))
	}
	q.Reset()
	if q.Len() != 0 || q.Bytes() != nil {
		t.Errorf("Reset left %d bytes", q.Len())
	}
}
