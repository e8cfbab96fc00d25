package codecs

import "slices"

// G.711 encoders in this package quantize to the nearest reconstruction
// level: decode(encode(x)) is, for every int16 x, a level at minimal distance
// from x. Exact ties go away from zero, and the quantizer is odd-symmetric
// (encode(-x) is encode(x) with the sign bit flipped), so negative inputs are
// rounded on their magnitude, the same way as positive ones.
//
// This is a deliberate choice where implementations disagree by one code:
//   - The classic encoders (Sun g711.c for μ-law, the 13-bit A-law form also
//     used by CPython's audioop) put the decision threshold between two
//     segments at the start of the upper segment, below the midpoint of the
//     adjacent levels, so inputs just under the midpoint get the upper level
//     although the lower one is nearer (μ-law 124 → 132 instead of 120, A-law
//     512 → 528 instead of 504). Here those inputs get the nearer level: a
//     smaller quantization error, and nothing changes for decoders.
//   - audioop's μ-law path floors negative inputs (-1 → 0x7E, i.e. -8) and the
//     13-bit A-law form rounds negative ties toward zero (-16 → -8). Here
//     negatives round on their magnitude like positives (-1 → 0x7F, -16 → -24).
//
// Everywhere else the output equals the classic encoder: 508 μ-law and 619
// A-law inputs of 65,536 differ, each by one code, and the tests pin that set.

// buildEncodeTable derives a whole-range encoder from a decode table whose
// codes with bit 7 set are the non-negative levels and whose other codes are
// their negatives.
func buildEncodeTable(dec *[256]int16) *[65536]uint8 {
	pos := make([]uint8, 0, 128)
	for c := 0x80; c <= 0xFF; c++ {
		pos = append(pos, uint8(c))
	}
	slices.SortFunc(pos, func(a, b uint8) int { return int(dec[a]) - int(dec[b]) })

	var enc [65536]uint8
	i := 0 // index into pos of the largest level <= m
	for m := int32(0); m <= 32768; m++ {
		for i+1 < len(pos) && int32(dec[pos[i+1]]) <= m {
			i++
		}
		c := pos[i]
		if i+1 < len(pos) {
			lo, hi := int32(dec[pos[i]]), int32(dec[pos[i+1]])
			if 2*m >= lo+hi { // nearer to hi, or a tie: away from zero
				c = pos[i+1]
			}
		}
		if m <= 32767 {
			enc[uint16(m)] = c
		}
		if m > 0 {
			enc[uint16(-m)] = c &^ 0x80
		}
	}
	return &enc
}

// encodeG711 and decodeG711 are the shared table loops. They grow dst once
// and index with a bounds-check-free pattern, so a 20 ms frame costs one
// table load per sample and no allocation when dst has capacity.
func encodeG711(enc *[65536]uint8, dst []byte, src []int16) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	out := dst[n:]
	for i, s := range src {
		out[i] = enc[uint16(s)]
	}
	return dst
}

func decodeG711(dec *[256]int16, dst []int16, src []byte) []int16 {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	out := dst[n:]
	for i, b := range src {
		out[i] = dec[b]
	}
	return dst
}
