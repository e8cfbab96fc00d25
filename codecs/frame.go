package codecs

import (
	"fmt"
	"slices"
	"time"
)

// FrameDuration is the packetization interval of every carrier stream the
// engine speaks: 20 ms.
const FrameDuration = 20 * time.Millisecond

// FrameSamples is the number of samples per channel in a 20 ms frame at rate
// (160 at 8 kHz, 441 at 22.05 kHz, 960 at 48 kHz).
func FrameSamples(rate int) int {
	return rate / int(time.Second/FrameDuration)
}

// Framer re-chunks a sample stream into fixed-size frames. It splits (TTS
// chunks of any size into 20 ms frames) and merges (20 ms frames into larger
// chunks for a provider that wants them) the same way. After warm-up it does
// not allocate. Its memory is what the producer has pushed and the consumer
// not yet taken.
type Framer struct {
	size int
	buf  []int16
	off  int // start of unread samples in buf
}

// NewFramer returns a Framer producing frames of duration d at rate. d must
// be a whole number of samples at rate.
func NewFramer(rate int, d time.Duration) (*Framer, error) {
	if rate <= 0 || d <= 0 || int64(rate)*int64(d)%int64(time.Second) != 0 {
		return nil, fmt.Errorf("%w: %v is not a whole number of samples at %d Hz", ErrInvalidConfig, d, rate)
	}
	return &Framer{size: int(int64(rate) * int64(d) / int64(time.Second))}, nil
}

// Size is the frame length in samples.
func (f *Framer) Size() int { return f.size }

// Buffered is the number of samples pushed but not yet returned.
func (f *Framer) Buffered() int { return len(f.buf) - f.off }

// Push queues samples.
func (f *Framer) Push(src []int16) {
	if f.off > 0 && len(f.buf)+len(src) > cap(f.buf) {
		n := copy(f.buf, f.buf[f.off:])
		f.buf, f.off = f.buf[:n], 0
	}
	f.buf = append(f.buf, src...)
}

// Next appends the next whole frame to dst. It reports false, leaving dst
// alone, when fewer than Size samples are buffered.
func (f *Framer) Next(dst []int16) ([]int16, bool) {
	if f.Buffered() < f.size {
		return dst, false
	}
	dst = append(dst, f.buf[f.off:f.off+f.size]...)
	f.off += f.size
	if f.off == len(f.buf) {
		f.buf, f.off = f.buf[:0], 0
	}
	return dst, true
}

// Flush appends the buffered remainder, padded with silence to a whole frame,
// and empties the Framer. It appends nothing when nothing is buffered.
func (f *Framer) Flush(dst []int16) []int16 {
	if f.Buffered() == 0 {
		return dst
	}
	n := len(dst)
	dst = append(dst, f.buf[f.off:]...)
	dst = slices.Grow(dst, f.size-f.Buffered())[:n+f.size]
	clear(dst[n+f.Buffered():])
	f.Reset()
	return dst
}

// Reset drops everything buffered (barge-in: the queued speech is
// discarded).
func (f *Framer) Reset() {
	f.buf, f.off = f.buf[:0], 0
}
