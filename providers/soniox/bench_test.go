package soniox

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

var sink voice.STTEvent

// benchHandle measures the client's work per server message: parse, map to
// voice events, emit. msgs are one utterance, handled in turn; each
// utterance moves the connection's base forward so no message is dropped
// as a repeat.
func benchHandle(b *testing.B, msgs ...[]byte) {
	r := newRecognizer(func(e voice.STTEvent) { sink = e }, true, 0, true)
	b.ReportAllocs()
	b.SetBytes(int64(len(msgs[0])))
	base, i := time.Duration(0), 0
	for b.Loop() {
		if i%len(msgs) == 0 {
			base += time.Minute
			r.Connect(base, 0)
		}
		if _, err := r.Handle(msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTokens: final and interim words, then the end of turn; the
// figures are per message.
func BenchmarkTokens(b *testing.B) { benchHandle(b, sampleFinal, sampleEnd) }
