package ambience

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"

	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkMix is the cost of mixing the ambience under one 20 ms voice
// frame (decode, mix at the volume, encode, in place; the copy of a fresh
// speech-level frame to mix into is included), and of producing one frame
// of ambience alone. Target: Mix well under 5 µs. Besides wall time it
// reports the CPU time of the benchmark's thread per op, which a shared,
// loaded machine inflates much less.
func BenchmarkMix(b *testing.B) {
	sound, _ := Builtin("office")
	for _, f := range []voice.Format{voice.Telephony, {Encoding: voice.PCM16, SampleRate: 16000}} {
		bed, err := NewBed(sound, 0.3, true, f)
		if err != nil {
			b.Fatal(err)
		}
		speech := encodeFormat(f, tone(codecs.FrameSamples(f.SampleRate), f.SampleRate, 440, 3000)) // -20 dBFS
		frame := make([]byte, len(speech))
		b.Run("mix-"+f.String(), func(b *testing.B) {
			defer threadCPU(b)()
			for b.Loop() {
				copy(frame, speech)
				bed.Mix(frame)
			}
		})
		dst := make([]byte, 0, f.FrameBytes())
		b.Run("next-"+f.String(), func(b *testing.B) {
			defer threadCPU(b)()
			for b.Loop() {
				dst = bed.Next(dst[:0])
			}
		})
	}
}

// threadCPU locks the benchmark to its thread and returns the function that
// reports the thread's CPU time per op (Linux RUSAGE_THREAD) and unlocks.
func threadCPU(b *testing.B) func() {
	b.ReportAllocs()
	runtime.LockOSThread()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(1, &ru); err != nil { // RUSAGE_THREAD
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		runtime.UnlockOSThread()
	}
}
