package elevenlabs

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs/elevenlabsfake"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

// toneRMS is the level of the fakes' tones (amplitude 8000).
const toneRMS = 8000 / 1.4142

// TestConversions covers the formats that are not passed through: a
// volume asks for PCM and scales it, A-law is encoded here, and a rate the
// service lacks is resampled, with the words' timings unchanged.
func TestConversions(t *testing.T) {
	alaw := voice.Format{Encoding: voice.ALaw, SampleRate: 8000}
	pcm48 := voice.Format{Encoding: voice.PCM16, SampleRate: 48000}
	for _, c := range []struct {
		name   string
		f      voice.Format
		volume float64
		asked  string
		level  float64
	}{
		{"volume", voice.Telephony, 0.5, "pcm_8000", toneRMS / 2},
		{"alaw", alaw, 1, "pcm_8000", toneRMS},
		{"48k", pcm48, 2, "pcm_44100", toneRMS * 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startFake(t, elevenlabsfake.Options{})
			s := settings()
			s.Volume = c.volume
			sess := open(t, &TTS{}, srv, c.f, s)
			audio, words, end := ttstest.Result(t, say(t, sess, "One two."))
			ttstest.Done(t, end)
			if got := srv.Sockets()[0].Query.Get("output_format"); got != c.asked {
				t.Errorf("output_format %q, want %q", got, c.asked)
			}
			want := ttstest.ExpectedWords("One", "two.")
			if err := equalWords(words, want); err != nil {
				t.Error(err)
			}
			if d := c.f.Duration(len(audio)); d < want[1].End-time.Millisecond || d > want[1].End+time.Millisecond {
				t.Errorf("%v of audio, want %v", d, want[1].End)
			}
			var pcm []int16
			switch c.f.Encoding {
			case voice.ULaw:
				pcm = codecs.DecodeUlaw(nil, audio)
			case voice.ALaw:
				pcm = codecs.DecodeAlaw(nil, audio)
			default:
				pcm, _ = codecs.DecodePCM16LE(nil, audio)
			}
			one := fakespeech.WordDuration("One")
			inWord := pcm[c.f.Bytes(50*time.Millisecond)/c.f.BytesPerSample() : c.f.Bytes(one-50*time.Millisecond)/c.f.BytesPerSample()]
			if l := codecs.RMS(inWord); l < c.level*0.9 || l > c.level*1.1 {
				t.Errorf("level %.0f inside a word, want %.0f", l, c.level)
			}
		})
	}
}
