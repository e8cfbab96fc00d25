package codecs

import (
	"math"
	"testing"
)

// g711Law bundles one law's public functions and independent references for
// table-driven tests.
type g711Law struct {
	name   string
	encode func([]byte, []int16) []byte
	decode func([]int16, []byte) []int16
	// spec decodes one code straight from the G.711 segment formula.
	spec func(byte) int16
	// sun is the classic reference encoder (Sun g711.c / audioop family).
	sun func(int16) byte
	// sunDiffs is how many of the 65536 inputs the package encodes
	// differently from sun; see the comment in g711.go.
	sunDiffs int
}

var g711Laws = []g711Law{
	{"ulaw", EncodeUlaw, DecodeUlaw, specUlaw, sunUlaw, 508},
	{"alaw", EncodeAlaw, DecodeAlaw, specAlaw, sunAlaw, 619},
}

func allInt16() []int16 {
	s := make([]int16, 0, 65536)
	for x := math.MinInt16; x <= math.MaxInt16; x++ {
		s = append(s, int16(x))
	}
	return s
}

func allCodes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestG711DecodeWholeTable(t *testing.T) {
	for _, law := range g711Laws {
		got := law.decode(nil, allCodes())
		for c, v := range got {
			if want := law.spec(byte(c)); v != want {
				t.Errorf("%s: decode(%#02x) = %d, want %d", law.name, c, v, want)
			}
		}
	}
}

func TestG711EncodeIsNearestLevel(t *testing.T) {
	for _, law := range g711Laws {
		levels := law.decode(nil, allCodes())
		in := allInt16()
		codes := law.encode(nil, in)
		for i, x := range in {
			got := int32(levels[codes[i]])
			best := int32(math.MaxInt32)
			for _, l := range levels {
				best = min(best, abs32(int32(x)-int32(l)))
			}
			if d := abs32(int32(x) - got); d != best {
				t.Fatalf("%s: encode(%d) decodes to %d (distance %d), nearest level is %d away", law.name, x, got, d, best)
			}
			// Ties go away from zero: no level at the same distance has a
			// larger magnitude.
			for _, l := range levels {
				if abs32(int32(x)-int32(l)) == best && abs32(int32(l)) > abs32(got) {
					t.Fatalf("%s: encode(%d) = %d, tie should go to %d", law.name, x, got, l)
				}
			}
			if (codes[i]&0x80 != 0) != (x >= 0) {
				t.Fatalf("%s: encode(%d) = %#02x has the wrong sign bit", law.name, x, codes[i])
			}
		}
	}
}

func TestG711EncodeOddSymmetry(t *testing.T) {
	for _, law := range g711Laws {
		for x := int16(1); x > 0; x++ {
			pos := law.encode(nil, []int16{x})[0]
			neg := law.encode(nil, []int16{-x})[0]
			if neg != pos&^0x80 {
				t.Fatalf("%s: encode(-%d) = %#02x, encode(%d) = %#02x", law.name, x, neg, x, pos)
			}
		}
	}
}

func TestG711RoundTripCodes(t *testing.T) {
	for _, law := range g711Laws {
		back := law.encode(nil, law.decode(nil, allCodes()))
		for c, b := range back {
			want := byte(c)
			if law.name == "ulaw" && c == 0x7F {
				want = 0xFF // -0 and +0 are one level; the encoder emits +0
			}
			if b != want {
				t.Errorf("%s: encode(decode(%#02x)) = %#02x", law.name, c, b)
			}
		}
	}
}

// TestG711EncodeVersusSun pins where the nearest-level encoder departs from
// the classic one: only where the classic code is strictly farther from the
// input, or at a negative tie it rounds toward zero.
func TestG711EncodeVersusSun(t *testing.T) {
	for _, law := range g711Laws {
		in := allInt16()
		codes := law.encode(nil, in)
		diffs := 0
		for i, x := range in {
			ref := law.sun(x)
			if codes[i] == ref {
				continue
			}
			diffs++
			ours := law.decode(nil, []byte{codes[i]})[0]
			theirs := law.decode(nil, []byte{ref})[0]
			do, dt := abs32(int32(x)-int32(ours)), abs32(int32(x)-int32(theirs))
			negTie := do == dt && x < 0 && abs32(int32(theirs)) < abs32(int32(ours))
			if do > dt || (do == dt && !negTie) {
				t.Errorf("%s: x=%d: ours %#02x (%d), reference %#02x (%d)", law.name, x, codes[i], ours, ref, theirs)
			}
		}
		if diffs != law.sunDiffs {
			t.Errorf("%s: %d inputs differ from the reference encoder, want %d", law.name, diffs, law.sunDiffs)
		}
	}
}

func TestG711AppendsWithoutAllocating(t *testing.T) {
	pcm := make([]int16, 160)
	for i := range pcm {
		pcm[i] = int16(i * 199)
	}
	for _, law := range g711Laws {
		prefix := []byte{1, 2, 3}
		enc := law.encode(prefix, pcm)
		if len(enc) != 163 || string(enc[:3]) != "\x01\x02\x03" {
			t.Fatalf("%s: encode did not append", law.name)
		}
		dec := law.decode([]int16{-5}, enc[3:])
		if len(dec) != 161 || dec[0] != -5 {
			t.Fatalf("%s: decode did not append", law.name)
		}
		bytesBuf := make([]byte, 0, 160)
		pcmBuf := make([]int16, 0, 160)
		if n := testing.AllocsPerRun(100, func() {
			bytesBuf = law.encode(bytesBuf[:0], pcm)
			pcmBuf = law.decode(pcmBuf[:0], bytesBuf)
		}); n != 0 {
			t.Errorf("%s: %v allocations per frame, want 0", law.name, n)
		}
	}
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

func fuzzG711(f *testing.F, law g711Law) {
	f.Add([]byte{})
	f.Add(allCodes())
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm := law.decode(nil, b)
		if len(pcm) != len(b) {
			t.Fatalf("decoded %d samples from %d codes", len(pcm), len(b))
		}
		back := law.encode(nil, pcm)
		for i := range b {
			if back[i] != b[i] && !(law.name == "ulaw" && b[i] == 0x7F && back[i] == 0xFF) {
				t.Fatalf("code %#02x came back as %#02x", b[i], back[i])
			}
		}
	})
}

// speechLikeFrame is a 20 ms, 8 kHz frame with a realistic level spread for
// benchmarks (table lookups are cache-sensitive).
func speechLikeFrame() []int16 {
	pcm := make([]int16, 160)
	for i := range pcm {
		v := 6000*math.Sin(2*math.Pi*220*float64(i)/8000) + 2500*math.Sin(2*math.Pi*1370*float64(i)/8000)
		pcm[i] = int16(v)
	}
	return pcm
}

func BenchmarkG711(b *testing.B) {
	pcm := speechLikeFrame()
	for _, law := range g711Laws {
		codes := law.encode(nil, pcm)
		b.Run(law.name+"/encode", func(b *testing.B) {
			dst := make([]byte, 0, len(pcm))
			b.ReportAllocs()
			for b.Loop() {
				dst = law.encode(dst[:0], pcm)
			}
		})
		b.Run(law.name+"/decode", func(b *testing.B) {
			dst := make([]int16, 0, len(codes))
			b.ReportAllocs()
			for b.Loop() {
				dst = law.decode(dst[:0], codes)
			}
		})
	}
}
