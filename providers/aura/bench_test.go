package aura

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkAudioChunk measures the client's work per binary audio message:
// conversion and emit (Aura sends raw audio, nothing to parse).
func BenchmarkAudioChunk(b *testing.B) {
	for _, c := range []struct {
		name     string
		src, out voice.Format
		gain     float64
		d        time.Duration
	}{
		{"ulaw8k/20ms", voice.Telephony, voice.Telephony, 1, 20 * time.Millisecond},
		{"ulaw8k/200ms", voice.Telephony, voice.Telephony, 1, 200 * time.Millisecond},
	} {
		b.Run(c.name, func(b *testing.B) {
			msg := make([]byte, c.src.Bytes(c.d))
			conv, err := audioconv.New(c.src, c.out, c.gain)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			u := &utterance{s: &session{src: c.src, out: c.out}, conv: conv, sent: true, emit: func(e voice.TTSEvent) { n += len(e.(*voice.TTSAudio).Audio) }}
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				u.onAudio(msg)
			}
			if n == 0 {
				b.Fatal("no audio emitted")
			}
		})
	}
}
