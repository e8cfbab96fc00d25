package scribe

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

var sink voice.STTEvent

// sampleFinal is a committed segment of four words with timestamps, as
// Scribe sends it (spacing between words, the period on the last).
var sampleFinal = []byte(timedMsg("How are you doing?",
	timedWord("How", 1.2, 1.38), `{"text":" ","start":1.38,"end":1.44,"type":"spacing","logprob":0}`,
	timedWord("are", 1.44, 1.56), `{"text":" ","start":1.56,"end":1.62,"type":"spacing","logprob":0}`,
	timedWord("you", 1.62, 1.8), `{"text":" ","start":1.8,"end":1.86,"type":"spacing","logprob":0}`,
	timedWord("doing?", 1.86, 2.1)))

// BenchmarkFinal measures the client's work per server message on a
// committed segment of four words with timestamps (final, speech final,
// end of turn).
func BenchmarkFinal(b *testing.B) {
	stttest.BenchHandle(b, newRecognizer(func(e voice.STTEvent) { sink = e }, heard(), true, true, true, 500*time.Millisecond), sampleFinal)
}

// BenchmarkAudio measures framing one 20 ms μ-law frame as an
// input_audio_chunk, with the client's hearing of it: Scribe's audio goes
// as base64 JSON, the others' as binary.
func BenchmarkAudio(b *testing.B) {
	p := &protocol{hear: newHearing(voice.Telephony), format: voice.Telephony, rate: "8000"}
	p.recognizer = newRecognizer(func(voice.STTEvent) {}, p.hear, true, true, true, 0)
	frame := say("hello")[1]
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, m := p.Audio(frame); len(m) == 0 {
			b.Fatal("no message")
		}
		p.Released()
	}
}
