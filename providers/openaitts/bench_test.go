package openaitts

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkAudioChunk measures the client's work per piece of response
// body: 24 kHz PCM resampled, encoded and emitted (the body is raw audio,
// nothing to parse).
func BenchmarkAudioChunk(b *testing.B) {
	for _, c := range []struct {
		name string
		out  voice.Format
		d    time.Duration
	}{
		{"pcm24k-ulaw8k/20ms", voice.Telephony, readSize * time.Second / 2 / Rate},
		{"pcm24k-pcm16k/20ms", voice.Format{Encoding: voice.PCM16, SampleRate: 16000}, 20 * time.Millisecond},
		{"pcm24k-passthrough/20ms", source, 20 * time.Millisecond},
	} {
		b.Run(c.name, func(b *testing.B) {
			body := make([]byte, source.Bytes(c.d))
			for i := range body {
				body[i] = byte(i * 7)
			}
			conv, err := audioconv.New(source, c.out, 1)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			u := &utterance{s: &session{}, conv: conv, sent: true, emit: func(e voice.TTSEvent) { n += len(e.(*voice.TTSAudio).Audio) }}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				u.audio(body)
			}
			if n == 0 {
				b.Fatal("no audio emitted")
			}
		})
	}
}
