package elevenlabs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkAudioChunk measures the client's work per audio message: parse,
// base64 decode, alignment to words, conversion and emit.
func BenchmarkAudioChunk(b *testing.B) {
	for _, c := range []struct {
		name     string
		src, out voice.Format
		gain     float64
		d        time.Duration
	}{
		{"ulaw8k/20ms", voice.Telephony, voice.Telephony, 1, 20 * time.Millisecond},
		{"ulaw8k/200ms", voice.Telephony, voice.Telephony, 1, 200 * time.Millisecond},
		{"pcm8k-ulaw8k-volume/20ms", voice.Format{Encoding: voice.PCM16, SampleRate: 8000}, voice.Telephony, 0.5, 20 * time.Millisecond},
	} {
		b.Run(c.name, func(b *testing.B) {
			msg := audioMessage(c.src, c.d)
			conv, err := audioconv.New(c.src, c.out, c.gain)
			if err != nil {
				b.Fatal(err)
			}
			s := &session{src: c.src, out: c.out}
			n := 0
			u := &utterance{s: s, conv: conv, sent: true, emit: func(e voice.TTSEvent) { n += len(e.(*voice.TTSAudio).Audio) }}
			u.align.sent("Hello there, how are you today")
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				u.onMessage(msg)
				u.align.next = 0 // keep matching the same words
			}
			if n == 0 {
				b.Fatal("no audio emitted")
			}
		})
	}
}

// audioMessage is a chunk like the service's: d of audio with the
// alignment of the characters it carries (about one per 70 ms).
func audioMessage(f voice.Format, d time.Duration) []byte {
	audio := make([]byte, f.Bytes(d))
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	type al struct {
		Chars  []string `json:"chars"`
		Starts []int    `json:"charStartTimesMs"`
		Durs   []int    `json:"charDurationsMs"`
	}
	var a al
	text := "Hello there, how are you today"
	for i := range max(1, int(d/(70*time.Millisecond))) {
		a.Chars = append(a.Chars, text[i%len(text):i%len(text)+1])
		a.Starts = append(a.Starts, i*70)
		a.Durs = append(a.Durs, 70)
	}
	m, err := json.Marshal(map[string]any{
		"audio": base64.StdEncoding.EncodeToString(audio), "isFinal": nil, "alignment": a, "normalizedAlignment": a,
	})
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return m
}

// BenchmarkReferenceEncodingJSON decodes the same messages with
// encoding/json into structs, for comparison: no alignment to words, no
// conversion, no emit.
func BenchmarkReferenceEncodingJSON(b *testing.B) {
	type al struct {
		Chars  []string  `json:"chars"`
		Starts []float64 `json:"charStartTimesMs"`
		Durs   []float64 `json:"charDurationsMs"`
	}
	for _, d := range []time.Duration{20 * time.Millisecond, 200 * time.Millisecond} {
		b.Run(fmt.Sprintf("ulaw8k/%v", d), func(b *testing.B) {
			msg := audioMessage(voice.Telephony, d)
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				var m struct {
					Audio               []byte `json:"audio"`
					IsFinal             *bool  `json:"isFinal"`
					Alignment           *al    `json:"alignment"`
					NormalizedAlignment *al    `json:"normalizedAlignment"`
				}
				if err := json.Unmarshal(msg, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
