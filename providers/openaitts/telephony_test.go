package openaitts

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/providers/openaitts/openaittsfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// TestTelephonyOutput resamples the service's 24 kHz PCM to μ-law at
// 8 kHz: the words' tones land where they were, silence stays silent.
func TestTelephonyOutput(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{Chunk: 30 * time.Millisecond})
	s := settings()
	s.Volume = 0.5
	sess := open(t, &TTS{}, srv, voice.Telephony, s)
	text := []string{"One two.", "Three."}
	audio, _, end := ttstest.Result(t, say(t, sess, text...))
	ttstest.Done(t, end)
	d := duration(text[0]) + duration(text[1])
	if got := voice.Telephony.Duration(len(audio)); got != d {
		t.Fatalf("%v of audio, want %v", got, d)
	}
	pcm := codecs.DecodeUlaw(nil, audio)
	level := func(from, to time.Duration) float64 {
		return codecs.RMS(pcm[voice.Telephony.Bytes(from):voice.Telephony.Bytes(to)])
	}
	one := fakespeech.WordDuration("One")
	word := level(50*time.Millisecond, one-50*time.Millisecond)    // inside "One"
	gap := level(one+15*time.Millisecond, one+65*time.Millisecond) // between "One" and "two."
	if word < 2000 || word > 3500 || gap > 50 {
		t.Errorf("RMS %.0f in a word (a tone at half of -12 dBFS is ~2800), %.0f in a gap", word, gap)
	}
}
