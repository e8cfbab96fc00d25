package sttsocket

import (
	"bytes"
	"testing"
)

// After a long utterance is finalised, the outbox no longer holds the
// array its audio filled: what it keeps moves to one sized to it, and a
// slice handed to the writer before stays as it was.
func TestTrimReleasesAFinalisedUtterance(t *testing.T) {
	const frame = 160 // 20 ms of telephony audio
	o := outbox{frame: frame, limit: 30 * 8000}
	audio := make([]byte, 4*8000) // a 4 s utterance, each frame's bytes its index
	for i := range audio {
		audio[i] = byte(i / frame)
	}
	for i := 0; i < len(audio); i += frame {
		if err := o.add(audio[i : i+frame]); err != nil {
			t.Fatal(err)
		}
	}
	sending, _, _ := o.next(int64(len(audio)-2*frame), 0, frame) // the writer's current frame
	before := bytes.Clone(sending)
	// finalised all but the last 100 ms
	keep := int64(len(audio) - 5*frame)
	o.trim(keep, keep, 0)
	if o.head != keep || !bytes.Equal(o.buf, audio[keep:]) {
		t.Fatalf("outbox holds %d bytes from %d, want %d from %d", len(o.buf), o.head, len(audio)-int(keep), keep)
	}
	if c := cap(o.buf); c > 2*5*frame {
		t.Errorf("the outbox's array is %d bytes after the trim, want ≤ %d", c, 2*5*frame)
	}
	if !bytes.Equal(sending, before) {
		t.Error("the frame being sent changed")
	}
	// audio after the trim goes on from where it was
	if err := o.add(audio[:frame]); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := o.next(keep, 0, 6*frame); !bytes.Equal(got, append(bytes.Clone(audio[keep:]), audio[:frame]...)) {
		t.Errorf("next after the trim: %d bytes, not the kept audio and the new frame", len(got))
	}
	// a short stretch trimmed keeps its array: no copy on every trim
	c := cap(o.buf)
	o.trim(keep+frame, keep+frame, 0)
	if cap(o.buf) != c-frame {
		t.Errorf("a 20 ms trim reallocated the outbox (cap %d → %d)", c, cap(o.buf))
	}
}
