package openaitts

import (
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/providers/openaitts/openaittsfake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-test"

// duration is how long the fake speaks text.
func duration(text string) time.Duration {
	var d time.Duration
	for i, w := range fakespeech.Words(text) {
		if i > 0 {
			d += 80 * time.Millisecond
		}
		d += fakespeech.WordDuration(w)
	}
	return d
}

func settings() assistant.TTSSettings {
	return assistant.TTSSettings{Provider: "openai", VoiceID: "alloy", ModelID: "turbo", Speed: 1, Volume: 1}
}

// pcm24 is what the service sends, and what these tests ask for until a
// conversion is needed.
var pcm24 = voice.Format{Encoding: voice.PCM16, SampleRate: 24000}

func startFake(t testing.TB, o openaittsfake.Options) *openaittsfake.Server {
	t.Helper()
	if o.Key == "" {
		o.Key = testKey
	}
	return faketest.Start(t, openaittsfake.Start, o)
}

func open(t testing.TB, tts *TTS, srv *openaittsfake.Server, f voice.Format, s assistant.TTSSettings) voice.TTSSession {
	t.Helper()
	return ttstest.Open(t, tts, srv.BaseURL, testKey, f, s)
}

// say speaks chunks as one utterance and returns its events.
func say(t testing.TB, sess voice.TTSSession, chunks ...string) []voice.TTSEvent {
	t.Helper()
	return ttstest.Say(t, sess, ErrEnded, chunks...)
}

func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}
