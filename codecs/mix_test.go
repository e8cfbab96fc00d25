package codecs

import (
	"math"
	"slices"
	"testing"
)

func TestLimiterShape(t *testing.T) {
	prev := limit(-200000)
	for v := int64(-200000); v <= 200000; v++ {
		y := limit(v)
		if y < prev || y-prev > 1 {
			t.Fatalf("limit not monotonic with slope <= 1 at %d: %d after %d", v, y, prev)
		}
		if y == math.MinInt16 {
			t.Fatalf("limit(%d) reached -32768", v)
		}
		if -limiterKnee <= v && v <= limiterKnee && int64(y) != v {
			t.Fatalf("limit(%d) = %d inside the knee", v, y)
		}
		prev = y
	}
	// Two full-scale streams still use most of the headroom, and the largest
	// possible MixInto sum stays below full scale.
	if y := limit(2 * 32767); y < 32767*98/100 {
		t.Errorf("limit(2·32767) = %d, want at least 98%% of full scale", y)
	}
	if y := limit(32767 + 32768*maxGain); y == math.MaxInt16 {
		t.Errorf("limit(max sum) = %d, want below full scale", y)
	}
}

func TestMixInto(t *testing.T) {
	dst := []int16{100, -200, 300, 400}
	MixInto(dst, []int16{10, 20, -30}, 1)
	if want := []int16{110, -180, 270, 400}; !slices.Equal(dst, want) {
		t.Errorf("MixInto = %v, want %v", dst, want)
	}

	speech := make([]int16, 160)
	for i := range speech {
		speech[i] = int16(limiterKnee * math.Sin(float64(i)/7))
	}
	got := slices.Clone(speech)
	MixInto(got, make([]int16, 160), 1)
	if !slices.Equal(got, speech) {
		t.Error("mixing silence changed samples below the knee")
	}

	bg := slices.Repeat([]int16{10000, -10000}, 80)
	got = slices.Clone(speech)
	MixInto(got, bg, 0.1)
	for i := range got {
		if want := speech[i] + bg[i]/10; math.Abs(float64(got[i])-float64(want)) > 1 && math.Abs(float64(want)) < limiterKnee {
			t.Fatalf("background at 0.1: sample %d = %d, want %d", i, got[i], want)
		}
	}
}

// TestMixFullScaleDoesNotWrap mixes two full-scale in-phase tones, which sum
// to twice full scale: the result must keep the waveform's sign and shape.
func TestMixFullScaleDoesNotWrap(t *testing.T) {
	a := make([]int16, 800)
	for i := range a {
		a[i] = int16(32767 * math.Sin(2*math.Pi*float64(i)/80))
	}
	out := slices.Clone(a)
	MixInto(out, a, 1)
	for i := range out {
		twice := 2 * abs32(int32(a[i]))
		if (out[i] > 0) != (a[i] > 0) || abs32(int32(out[i])) < min(twice, limiterKnee) {
			t.Fatalf("sample %d: %d + %d mixed to %d", i, a[i], a[i], out[i])
		}
		if out[i] == math.MinInt16 || out[i] == math.MaxInt16 {
			t.Fatalf("sample %d hit full scale (%d)", i, out[i])
		}
	}
}

func BenchmarkMixInto(b *testing.B) {
	for _, rate := range []int{8000, 48000} {
		n := FrameSamples(rate)
		src := make([]int16, n)
		speech := make([]int16, n)
		for i := range src {
			src[i] = int16(8000 * math.Sin(float64(i)/5))
			speech[i] = int16(12000 * math.Sin(float64(i)/9))
		}
		dst := make([]int16, n)
		b.Run(rateName(rate), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(dst, speech) // mix into fresh speech each time, as the engine does
				MixInto(dst, src, 0.5)
			}
		})
	}
}
