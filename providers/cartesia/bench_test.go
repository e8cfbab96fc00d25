package cartesia

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkAudioChunk measures the client's work per chunk message: parse,
// base64 decode, conversion and emit.
func BenchmarkAudioChunk(b *testing.B) {
	for _, c := range []struct {
		name     string
		src, out voice.Format
		d        time.Duration
	}{
		{"ulaw8k/20ms", voice.Telephony, voice.Telephony, 20 * time.Millisecond},
		{"ulaw8k/200ms", voice.Telephony, voice.Telephony, 200 * time.Millisecond},
	} {
		b.Run(c.name, func(b *testing.B) {
			audio := make([]byte, c.src.Bytes(c.d))
			for i := range audio {
				audio[i] = byte(i * 7)
			}
			msg, _ := json.Marshal(map[string]any{
				"type": "chunk", "data": base64.StdEncoding.EncodeToString(audio), "done": false,
				"status_code": 206, "step_time": 12.5, "context_id": "0123456789ab-1",
			})
			conv, err := audioconv.New(c.src, c.out, 1)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			u := &utterance{s: &session{}, conv: conv, sent: true, id: "0123456789ab-1", emit: func(e voice.TTSEvent) { n += len(e.(*voice.TTSAudio).Audio) }}
			var m message
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.parse(msg); err != nil {
					b.Fatal(err)
				}
				if string(m.contextID) == u.id {
					u.onMessage(&m)
				}
			}
			if n == 0 {
				b.Fatal("no audio emitted")
			}
		})
	}
}
