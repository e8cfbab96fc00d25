package telephony

import (
	"testing"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/voice"
)

// The tones played for DTMF are recognised as the same keys, in μ-law
// and (through the phone's PCM16 path) at 16 kHz.
func TestTonesAreRecognised(t *testing.T) {
	const keys = "0123456789*#ABCD"
	for _, f := range []voice.Format{voice.Telephony, {Encoding: voice.PCM16, SampleRate: 16000}} {
		c := newToneCache(f)
		p := phone.New(nil)
		frames := c.frames(keys + "w1")
		for _, fr := range frames {
			if len(fr) != f.FrameBytes() {
				t.Fatalf("%v: frame of %d bytes", f, len(fr))
			}
			p.Receive(fakespeech.Narrow(fr, f))
			p.Play()
		}
		if got := p.Tones(); got != keys+"1" {
			t.Fatalf("%v: heard %q", f, got)
		}
		// 120 ms on, 80 ms off per key; the pause is 500 ms.
		if want := (len(keys)+1)*10 + 25; len(frames) != want {
			t.Fatalf("%v: %d frames, want %d", f, len(frames), want)
		}
	}
	if n := len(newToneCache(voice.Telephony).frames("x?")); n != 0 {
		t.Fatalf("%d frames for no keys", n)
	}
}
