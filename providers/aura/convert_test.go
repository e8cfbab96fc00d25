package aura

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/aura/aurafake"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

// toneRMS is the level of the fake's tones (amplitude 8000).
const toneRMS = 8000 / 1.4142

// TestConversions covers formats other than μ-law passed through: A-law
// straight from the service, and a volume, which asks for linear16 and
// scales it here.
func TestConversions(t *testing.T) {
	alaw := voice.Format{Encoding: voice.ALaw, SampleRate: 8000}
	for _, c := range []struct {
		name           string
		f              voice.Format
		volume         float64
		encoding, rate string
		level          float64
	}{
		{"alaw", alaw, 1, "alaw", "8000", toneRMS},
		{"volume", voice.Telephony, 0.5, "linear16", "8000", toneRMS / 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startFake(t, aurafake.Options{})
			s := settings()
			s.Volume = c.volume
			sess := open(t, &TTS{}, srv, c.f, s)
			audio, _, end := ttstest.Result(t, say(t, sess, "One two."))
			ttstest.Done(t, end)
			if q := srv.Sockets()[0].Query; q.Get("encoding") != c.encoding || q.Get("sample_rate") != c.rate {
				t.Errorf("query %v", q)
			}
			one := fakespeech.WordDuration("One")
			if d, want := c.f.Duration(len(audio)), one+80*time.Millisecond+fakespeech.WordDuration("two."); d != want {
				t.Errorf("%v of audio, want %v", d, want)
			}
			pcm := codecs.DecodeUlaw(nil, audio)
			if c.f.Encoding == voice.ALaw {
				pcm = codecs.DecodeAlaw(nil, audio)
			}
			if l := codecs.RMS(pcm[400:c.f.Bytes(one-50*time.Millisecond)]); l < c.level*0.9 || l > c.level*1.1 {
				t.Errorf("level %.0f inside a word, want %.0f", l, c.level)
			}
		})
	}
}
