package cartesia

import (
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/cartesia/cartesiafake"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-test"

const voiceUUID = "a0e99841-438c-4a64-b679-ae501e7d6091"

func settings() assistant.TTSSettings {
	return assistant.TTSSettings{Provider: "cartesia", VoiceID: voiceUUID, ModelID: "turbo", Speed: 1, Volume: 1}
}

func startFake(t testing.TB, o cartesiafake.Options) *cartesiafake.Server {
	t.Helper()
	if o.Key == "" {
		o.Key = testKey
	}
	return faketest.Start(t, cartesiafake.Start, o)
}

func open(t testing.TB, tts *TTS, srv *cartesiafake.Server, f voice.Format, s assistant.TTSSettings) voice.TTSSession {
	t.Helper()
	return ttstest.Open(t, tts, srv.BaseURL+"/el", testKey, f, s)
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
