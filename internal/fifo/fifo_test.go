package fifo

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The queue against a plain slice, over random appends, peeks and
// discards: same bytes in the same order, slices handed out unchanged
// afterwards, and no more chunks held than the bytes held need.
func TestQueueMatchesASlice(t *testing.T) {
	for _, unit := range []int{1, 160, 320, 640, 3000} {
		rng := rand.New(rand.NewPCG(uint64(unit), 7))
		q := New(unit)
		var model []byte
		type handed struct{ got, want []byte }
		var out []handed
		next := byte(0)
		for step := range 5000 {
			switch rng.IntN(3) {
			case 0:
				p := make([]byte, rng.IntN(3*chunkBytes))
				for i := range p {
					p[i] = next
					next++
				}
				q.Append(p)
				model = append(model, p...)
			case 1:
				if len(model) == 0 {
					continue
				}
				off, n := rng.IntN(len(model)), 1+rng.IntN(chunkBytes)
				got := q.Peek(off, n)
				want := model[off:min(len(model), off+n)]
				if len(got) == 0 || !bytes.Equal(got, want[:len(got)]) {
					t.Fatalf("unit %d, step %d: Peek(%d, %d) = %d bytes that differ from what was queued", unit, step, off, n, len(got))
				}
				out = append(out, handed{got, bytes.Clone(got)})
			case 2:
				n := rng.IntN(len(model) + 1)
				q.Discard(n)
				model = model[n:]
			}
			if q.Len() != len(model) {
				t.Fatalf("unit %d, step %d: Len %d, want %d", unit, step, q.Len(), len(model))
			}
			if most := (q.off+q.n+q.chunk-1)/max(q.chunk, 1) + 1; len(q.chunks) > most {
				t.Fatalf("unit %d, step %d: %d chunks held for %d bytes", unit, step, len(q.chunks), q.n)
			}
		}
		for i, h := range out {
			if !bytes.Equal(h.got, h.want) {
				t.Fatalf("unit %d: slice %d handed out changed afterwards", unit, i)
			}
		}
	}
}

// Whole units taken from the front come in one piece however the audio
// arrived: a frame costs no copy.
func TestUnitsAreNotSplit(t *testing.T) {
	for _, unit := range []int{160, 320, 640, 960, 2 * chunkBytes} {
		q := New(unit)
		rng := rand.New(rand.NewPCG(uint64(unit), 1))
		for range 200 {
			q.Append(make([]byte, 1+rng.IntN(5*unit)))
			for q.Len() >= unit {
				if got := len(q.Peek(0, unit)); got != unit {
					t.Fatalf("unit %d: the front unit came as %d bytes", unit, got)
				}
				q.Discard(unit)
			}
		}
	}
}

// A long stretch taken off the front lets go of the chunks it filled; a
// short one copies nothing; Reset lets go of everything.
func TestDiscardReleasesWhatWasTaken(t *testing.T) {
	const frame = 160 // 20 ms of telephony audio
	q := New(frame)
	for range 200 { // 4 s
		q.Append(make([]byte, frame))
	}
	q.Discard(195 * frame) // all but the last 100 ms
	if len(q.chunks) > 2 {
		t.Errorf("%d chunks held for %d bytes", len(q.chunks), q.Len())
	}
	two := q.Peek(0, 2*frame)
	q.Discard(frame)
	if q.Len() != 4*frame || &q.Peek(0, frame)[0] != &two[frame] {
		t.Error("a 20 ms discard moved what is left")
	}
	q.Reset()
	if q.Len() != 0 || len(q.chunks) != 0 || q.Peek(0, 1) != nil {
		t.Errorf("Reset left %d bytes in %d chunks", q.Len(), len(q.chunks))
	}
}
