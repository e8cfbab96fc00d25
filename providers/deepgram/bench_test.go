package deepgram

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// sink keeps emitted events alive so the work is not optimised away.
var sink voice.STTEvent

func emitToSink(e voice.STTEvent) { sink = e }

// benchHandle measures the client's work per server message.
func benchHandle(b *testing.B, r recognizer, msg []byte) { stttest.BenchHandle(b, r, msg) }

func BenchmarkV1FinalResults(b *testing.B) { benchHandle(b, newV1(emitToSink, true), sampleResults) }
func BenchmarkV1InterimResults(b *testing.B) {
	benchHandle(b, newV1(emitToSink, true), sampleInterim)
}
func BenchmarkV1SpeechStarted(b *testing.B) {
	benchHandle(b, newV1(emitToSink, true), sampleSpeechStarted)
}
func BenchmarkFluxEndOfTurn(b *testing.B) { benchHandle(b, newFlux(emitToSink), sampleTurnInfo) }

// BenchmarkV1FinalResultsEncodingJSON is the reference the hand-written
// decoder is measured against: decoding the same message with
// encoding/json into structs (no mapping).
func BenchmarkV1FinalResultsEncodingJSON(b *testing.B) {
	type word struct {
		Word           string  `json:"word"`
		Start          float64 `json:"start"`
		End            float64 `json:"end"`
		Confidence     float64 `json:"confidence"`
		PunctuatedWord string  `json:"punctuated_word"`
	}
	type results struct {
		Type         string  `json:"type"`
		Start        float64 `json:"start"`
		Duration     float64 `json:"duration"`
		IsFinal      bool    `json:"is_final"`
		SpeechFinal  bool    `json:"speech_final"`
		FromFinalize bool    `json:"from_finalize"`
		Channel      struct {
			Alternatives []struct {
				Transcript string  `json:"transcript"`
				Confidence float64 `json:"confidence"`
				Words      []word  `json:"words"`
			} `json:"alternatives"`
		} `json:"channel"`
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(sampleResults)))
	for b.Loop() {
		var r results
		if err := json.Unmarshal(sampleResults, &r); err != nil {
			b.Fatal(err)
		}
	}
}
