package cartesia

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/cartesia/cartesiafake"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

// toneRMS is the level of the fake's tones (amplitude 8000).
const toneRMS = 8000 / 1.4142

// TestG711 asks the service for A-law, and for μ-law at 16 kHz, directly.
func TestG711(t *testing.T) {
	for _, f := range []voice.Format{{Encoding: voice.ALaw, SampleRate: 8000}, {Encoding: voice.ULaw, SampleRate: 16000}} {
		t.Run(f.String(), func(t *testing.T) {
			srv := startFake(t, cartesiafake.Options{})
			sess := open(t, &TTS{}, srv, f, settings())
			audio, words, end := ttstest.Result(t, say(t, sess, "One two."))
			ttstest.Done(t, end)
			want := ttstest.ExpectedWords("One", "two.")
			if !slices.Equal(words, want) {
				t.Errorf("words %v, want %v", words, want)
			}
			if d := f.Duration(len(audio)); d != want[1].End {
				t.Errorf("%v of audio, want %v", d, want[1].End)
			}
			pcm := codecs.DecodeUlaw(nil, audio)
			if f.Encoding == voice.ALaw {
				pcm = codecs.DecodeAlaw(nil, audio)
			}
			if l := codecs.RMS(pcm[f.Bytes(50*time.Millisecond):f.Bytes(fakespeech.WordDuration("One")-50*time.Millisecond)]); l < toneRMS*0.9 || l > toneRMS*1.1 {
				t.Errorf("level %.0f inside a word, want %.0f", l, toneRMS)
			}
		})
	}
}
