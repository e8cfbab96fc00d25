package speechmatics

import (
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

var sink voice.STTEvent

// BenchmarkFinal measures the client's work per server message on a final
// AddTranscript of four words and a mark.
func BenchmarkFinal(b *testing.B) {
	stttest.BenchHandle(b, newRecognizer(func(e voice.STTEvent) { sink = e }, true, true, false), sampleFinal)
}
