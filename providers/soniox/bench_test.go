package soniox

import (
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

var sink voice.STTEvent

// benchHandle measures the client's work per server message on msgs, one
// utterance.
func benchHandle(b *testing.B, msgs ...[]byte) {
	stttest.BenchHandle(b, newRecognizer(func(e voice.STTEvent) { sink = e }, true, 0, true), msgs...)
}

// BenchmarkTokens: final and interim words, then the end of turn; the
// figures are per message.
func BenchmarkTokens(b *testing.B) { benchHandle(b, sampleFinal, sampleEnd) }
