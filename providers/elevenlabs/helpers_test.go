package elevenlabs

import (
	"errors"
	"fmt"
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs/elevenlabsfake"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-test"

func settings() assistant.TTSSettings {
	return assistant.TTSSettings{
		Provider: "elevenlabs", VoiceID: "rachel", ModelID: "turbo", Latency: 1,
		Stability: 0.5, SimilarityBoost: 0.75, Style: 0.1, Speed: 1.1, Volume: 1, UseSpeakerBoost: true,
	}
}

func startFake(t testing.TB, o elevenlabsfake.Options) *elevenlabsfake.Server {
	t.Helper()
	if o.Key == "" {
		o.Key = testKey
	}
	return faketest.Start(t, elevenlabsfake.Start, o)
}

func open(t testing.TB, tts *TTS, srv *elevenlabsfake.Server, f voice.Format, s assistant.TTSSettings) voice.TTSSession {
	t.Helper()
	return ttstest.Open(t, tts, srv.BaseURL+"/el", testKey, f, s)
}

// say speaks chunks as one utterance and returns its events.
func say(t testing.TB, sess voice.TTSSession, chunks ...string) []voice.TTSEvent {
	t.Helper()
	return ttstest.Say(t, sess, ErrEnded, chunks...)
}

func equalWords(got, want []voice.Word) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d words %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("word %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}

func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}
