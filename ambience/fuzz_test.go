package ambience

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
)

// FuzzDecode feeds arbitrary bytes to the upload validator: it must never
// panic, and whatever it accepts must be a playable sound within the
// limits.
func FuzzDecode(f *testing.F) {
	f.Add(wavFile(f, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 8000, Channels: 2}, make([]int16, 2*4000)))
	f.Add(wavFile(f, codecs.WAVFormat{Encoding: codecs.EncodingUlaw, SampleRate: 16000, Channels: 1}, tone(8000, 16000, 300, 8000)))
	// MP3 decoding is slow under the fuzzer's instrumentation: short seeds
	// (rejected after the frame scan) keep the rate up, one valid seed
	// reaches the frame decoder.
	f.Add(mp3File(f, 16000, 1, tone(8000, 16000, 300, 8000)))
	f.Add(mp3File(f, 24000, 2, make([]int16, 2*2400)))
	f.Add(mp3File(f, 44100, 1, tone(4410, 44100, 300, 8000)))
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			return
		}
		i := s.Info()
		if i.Duration < MinDuration || i.Duration > MaxDuration+time.Second || i.Size != len(data) {
			t.Fatalf("accepted %+v", i)
		}
		if _, err := NewBed(s, 0.5, true, ulaw8k); err != nil {
			t.Fatalf("accepted sound cannot play: %v", err)
		}
	})
}
