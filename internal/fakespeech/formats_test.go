package fakespeech

import (
	"bytes"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// Widen and Narrow carry fakespeech losslessly over a PCM16 line.
func TestWidenNarrowRoundTrip(t *testing.T) {
	frames := Speak(Utterance{Words: []string{"hello", "Zebra"}})
	frames = append(frames, Silence(40*time.Millisecond)...)
	frames = append(frames, Noise(20*time.Millisecond)...)
	pcm16 := voice.Format{Encoding: voice.PCM16, SampleRate: 16000}
	for _, fr := range frames {
		w := Widen(fr, pcm16)
		if len(w) != pcm16.FrameBytes() {
			t.Fatalf("widened to %d bytes", len(w))
		}
		if back := Narrow(w, pcm16); !bytes.Equal(back, fr) {
			t.Fatalf("round trip changed a frame")
		}
		if !bytes.Equal(Widen(fr, voice.Telephony), fr) {
			t.Fatal("μ-law widened")
		}
	}
}
