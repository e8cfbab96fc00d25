package codecs

import "math"

// RMS is the root-mean-square amplitude of pcm in sample units; 0 for an
// empty slice.
func RMS(pcm []int16) float64 {
	if len(pcm) == 0 {
		return 0
	}
	return math.Sqrt(float64(energy(pcm)) / float64(len(pcm)))
}

// DBFS is the RMS level of pcm relative to full scale (32768), so a
// full-scale square wave is 0 dBFS and a full-scale sine -3.01 dBFS. Silence
// gives -Inf.
func DBFS(pcm []int16) float64 {
	return 20 * math.Log10(RMS(pcm)/32768)
}

// energy is the sum of squares. An int64 cannot overflow: 2^30 per sample
// leaves room for 2^33 samples.
func energy(pcm []int16) int64 {
	var e int64
	for _, s := range pcm {
		e += int64(s) * int64(s)
	}
	return e
}
