package fifo

import (
	"fmt"
	"testing"
)

// The queue as a recogniser's replay buffer uses it: 20 ms frames in, and
// every second (a final) all but the last hold bytes out. Reported: bytes
// allocated per byte queued.
func BenchmarkReplay(b *testing.B) {
	frame := make([]byte, 160)
	for _, hold := range []int{2 << 10, 8 << 10, 16 << 10} {
		b.Run(fmt.Sprint("hold=", hold), func(b *testing.B) {
			q := New(len(frame))
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for i := range b.N {
				q.Append(frame)
				if i%50 == 49 && q.Len() > hold {
					q.Discard(q.Len() - hold)
				}
			}
		})
	}
}

// The queue as a reply's audio uses it: the synthesiser's chunks arrive
// ahead of the 20 ms frames taken off the front.
func BenchmarkPlayout(b *testing.B) {
	frame := 160
	for _, chunk := range []int{1 << 10, 4 << 10} {
		b.Run(fmt.Sprint("chunk=", chunk), func(b *testing.B) {
			q := New(frame)
			in := make([]byte, chunk)
			b.ReportAllocs()
			b.SetBytes(int64(chunk))
			for range b.N {
				q.Append(in)
				for q.Len() >= 2*chunk { // played at half the rate it arrives, a chunk's worth ahead
					_ = q.Peek(0, frame)
					q.Discard(frame)
				}
			}
		})
	}
}
