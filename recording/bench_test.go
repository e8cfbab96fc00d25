package recording

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// benchCall is the length of one benchmarked call.
const benchCall = 30 * time.Second

// benchAudio is a call's worth of μ-law frames for each direction: a tone
// under noise, so the MP3 encoder works as hard as on speech.
func benchAudio() (caller, assistant [][]byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := int(benchCall / codecs.FrameDuration)
	mk := func(f float64) [][]byte {
		out := make([][]byte, n)
		pcm := tone(160*n, 8000, f, 5000)
		for i := range pcm {
			pcm[i] += int16(rng.NormFloat64() * 1000)
		}
		for i := range out {
			out[i] = codecs.EncodeUlaw(nil, pcm[160*i:160*(i+1)])
		}
		return out
	}
	return mk(440), mk(700)
}

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not
// name.
const rusageThread = 1

// cpuTime is the user plus system CPU time of the process (who =
// syscall.RUSAGE_SELF) or of the calling thread (rusageThread). On a shared
// machine wall time would also count waiting for a core.
func cpuTime(b *testing.B, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecorder records 30-second calls from a μ-law 8 kHz carrier with
// the default track selection (user, assistant and mixed) and reports, per
// 20 ms frame pair (one caller and one assistant frame): the CPU of the
// whole recording (actor side, spool, encoders, system calls), the CPU the
// actor spends in Caller and Assistant (the benchmark goroutine is locked to
// its thread to measure it), and the bytes written per second of call. One
// op is a whole call, Start to Close.
func BenchmarkRecorder(b *testing.B) {
	caller, assistant := benchAudio()
	for _, c := range []struct {
		format         string
		rate, channels int
	}{{"wav", 8000, 1}, {"wav", 16000, 2}, {"mp3", 8000, 1}, {"mp3", 16000, 2}} {
		b.Run(fmt.Sprintf("%s-%dk-%dch", c.format, c.rate/1000, c.channels), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			s := settings(c.format, c.rate, c.channels)
			var actor time.Duration
			var bytes int64
			cpu0 := cpuTime(b, syscall.RUSAGE_SELF)
			for i := 0; b.Loop(); i++ {
				r, err := Start(Options{Root: b.TempDir(), CallID: fmt.Sprintf("CA%d", i), Settings: s,
					In: voice.Telephony})
				if err != nil {
					b.Fatal(err)
				}
				t0 := cpuTime(b, rusageThread)
				for j := range caller {
					at := time.Duration(j) * codecs.FrameDuration
					r.Assistant(at+60*time.Millisecond, assistant[j])
					r.Caller(at, caller[j])
				}
				actor += cpuTime(b, rusageThread) - t0
				if d := r.Stats().Dropped; d != 0 {
					b.Fatalf("dropped %v: the backlog must hold the call", d)
				}
				tracks, err := r.Close(benchCall)
				if err != nil {
					b.Fatal(err)
				}
				for _, tr := range tracks {
					bytes += tr.Size
				}
			}
			pairs := float64(b.N) * float64(len(caller))
			cpuPerPair := float64(cpuTime(b, syscall.RUSAGE_SELF)-cpu0) / pairs
			b.ReportMetric(cpuPerPair, "cpu-ns/pair")
			b.ReportMetric(float64(actor)/pairs, "actor-cpu-ns/pair")
			b.ReportMetric(float64(bytes)/float64(b.N)/benchCall.Seconds(), "B/call-s")
			b.ReportMetric(100*cpuPerPair/float64(codecs.FrameDuration), "%core/call")
		})
	}
}

// BenchmarkMediaPathReference is the per-frame-pair work a μ-law 8 kHz call
// does without recording, using the same primitives as the engine: decode
// the caller's frame, resample it to 16 kHz for speech-to-text, run the
// VAD, and encode one assistant frame from 8 kHz PCM. It leaves out the
// websocket, JSON and base64 work of the carrier and the providers, so it
// is a lower bound of a call's own cost: the ratio of BenchmarkRecorder's
// cpu-ns/pair to this one's ns/op overstates recording's share.
func BenchmarkMediaPathReference(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	caller, assistant := benchAudio()
	rs, err := codecs.NewResampler(8000, 16000)
	if err != nil {
		b.Fatal(err)
	}
	vad, err := codecs.NewVAD(codecs.DefaultVADConfig(16000))
	if err != nil {
		b.Fatal(err)
	}
	out := codecs.DecodeUlaw(nil, assistant[0])
	var pcm, wide []int16
	var enc []byte
	i := 0
	cpu0 := cpuTime(b, rusageThread)
	for b.Loop() {
		pcm = codecs.DecodeUlaw(pcm[:0], caller[i%len(caller)])
		wide = rs.Process(wide[:0], pcm)
		vad.Process(wide)
		enc = codecs.EncodeUlaw(enc[:0], out)
		i++
	}
	b.ReportMetric(float64(cpuTime(b, rusageThread)-cpu0)/float64(b.N), "cpu-ns/pair")
}
