package speechmatics

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

var sink voice.STTEvent

// BenchmarkFinal measures the client's work per server message: parse a
// final AddTranscript of four words and a mark, map it, emit. Each
// iteration moves the connection's base forward so nothing is dropped as a
// repeat.
func BenchmarkFinal(b *testing.B) {
	r := newRecognizer(func(e voice.STTEvent) { sink = e }, true, true, false)
	b.ReportAllocs()
	b.SetBytes(int64(len(sampleFinal)))
	base := time.Duration(0)
	for b.Loop() {
		base += time.Minute
		r.Connect(base, 0)
		if _, err := r.Handle(sampleFinal); err != nil {
			b.Fatal(err)
		}
	}
}
