package ttstest

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// Open opens a session on tts against a fake at baseURL, closed when the
// test ends.
func Open(t testing.TB, tts voice.TTS, baseURL, key string, f voice.Format, s assistant.TTSSettings) voice.TTSSession {
	t.Helper()
	sess, err := tts.OpenTTS(context.Background(), voice.TTSOptions{Settings: s, Format: f, Key: key, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// Say speaks chunks as one utterance and returns its events. A Send that
// fails with ended, the provider's ErrEnded, means the utterance failed
// already: its events are returned as they are.
func Say(t testing.TB, sess voice.TTSSession, ended error, chunks ...string) []voice.TTSEvent {
	t.Helper()
	r := NewRecorder(t)
	u, err := sess.Speak(r.Emit)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if err := u.Send(c); errors.Is(err, ended) {
			return r.Wait()
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if err := u.End(); err != nil {
		t.Fatal(err)
	}
	return r.Wait()
}
