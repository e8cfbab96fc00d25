package codecs

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestFrameSamples(t *testing.T) {
	want := map[int]int{8000: 160, 16000: 320, 22050: 441, 24000: 480, 44100: 882, 48000: 960}
	for rate, n := range want {
		if got := FrameSamples(rate); got != n {
			t.Errorf("FrameSamples(%d) = %d, want %d", rate, got, n)
		}
	}
}

func TestNewFramerValidates(t *testing.T) {
	for _, c := range []struct {
		rate int
		d    time.Duration
	}{{0, FrameDuration}, {8000, 0}, {22050, 10 * time.Millisecond}, {8000, time.Microsecond}} {
		if _, err := NewFramer(c.rate, c.d); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewFramer(%d, %v) = %v, want ErrInvalidConfig", c.rate, c.d, err)
		}
	}
	f, err := NewFramer(22050, FrameDuration)
	if err != nil || f.Size() != 441 {
		t.Fatalf("NewFramer(22050, 20ms) = %v, %v", f, err)
	}
}

// TestFramerSplitsAndMerges pushes a ramp in irregular chunks and checks that
// the frames reassemble it exactly, for splitting and for merging.
func TestFramerSplitsAndMerges(t *testing.T) {
	ramp := make([]int16, 10000)
	for i := range ramp {
		ramp[i] = int16(i)
	}
	for _, d := range []time.Duration{FrameDuration, 100 * time.Millisecond} {
		f, err := NewFramer(8000, d)
		if err != nil {
			t.Fatal(err)
		}
		var out []int16
		frames := 0
		chunks := []int{1, 7, 160, 333, 1000, 2, 4000}
		for i, rest := 0, ramp; len(rest) > 0; i++ {
			n := min(chunks[i%len(chunks)], len(rest))
			f.Push(rest[:n])
			rest = rest[n:]
			for {
				var ok bool
				before := len(out)
				if out, ok = f.Next(out); !ok {
					break
				}
				if len(out)-before != f.Size() {
					t.Fatalf("frame of %d samples, want %d", len(out)-before, f.Size())
				}
				frames++
			}
		}
		if frames != len(ramp)/f.Size() || f.Buffered() != len(ramp)%f.Size() {
			t.Fatalf("%v: %d frames, %d buffered", d, frames, f.Buffered())
		}
		out = f.Flush(out)
		if len(out)%f.Size() != 0 || !slices.Equal(out[:len(ramp)], ramp) || slices.ContainsFunc(out[len(ramp):], func(s int16) bool { return s != 0 }) {
			t.Fatalf("%v: frames do not reassemble the input followed by silence", d)
		}
		if f.Buffered() != 0 || len(f.Flush(nil)) != 0 {
			t.Fatal("Flush did not empty the framer")
		}
	}
}

func TestFramerReset(t *testing.T) {
	f, _ := NewFramer(8000, FrameDuration)
	f.Push(make([]int16, 500))
	f.Reset()
	if _, ok := f.Next(nil); ok || f.Buffered() != 0 {
		t.Fatal("Reset kept samples")
	}
}

func TestFramerSteadyStateNoAllocs(t *testing.T) {
	f, _ := NewFramer(8000, FrameDuration)
	chunk := make([]int16, 240) // 30 ms chunks against 20 ms frames
	dst := make([]int16, 0, 160)
	f.Push(chunk)
	if n := testing.AllocsPerRun(1000, func() {
		f.Push(chunk)
		for ok := true; ok; {
			dst, ok = f.Next(dst[:0])
		}
	}); n != 0 {
		t.Errorf("%v allocations per push", n)
	}
}
