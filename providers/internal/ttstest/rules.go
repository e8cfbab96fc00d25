package ttstest

import (
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

// Errors are a TTS client's answers to a session's rules being broken.
type Errors struct {
	Busy   error // Speak while an utterance is being spoken
	Ended  error // Send after End
	Closed error // Speak after Close
}

// SessionRules checks the rules every TTS session keeps: one utterance at a
// time, no Send after End, an utterance with nothing to say done at once,
// and Close ending the session and, silently, the utterance in progress,
// which is saying goodbye.
func SessionRules(t *testing.T, sess voice.TTSSession, errs Errors, goodbye string) {
	t.Helper()
	r := NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	if _, err := sess.Speak(r.Emit); !errors.Is(err, errs.Busy) {
		t.Errorf("second Speak: %v", err)
	}
	_ = u.Send("Hi.")
	_ = u.End()
	if err := u.Send("late"); !errors.Is(err, errs.Ended) {
		t.Errorf("Send after End: %v", err)
	}
	Done(t, Last(r.Wait()))
	Done(t, Last(Say(t, sess, errs.Ended)))
	r = NewRecorder(t)
	u, _ = sess.Speak(r.Emit)
	_ = u.Send(goodbye)
	sess.Close()
	r.Seal()
	if _, err := sess.Speak(r.Emit); !errors.Is(err, errs.Closed) {
		t.Errorf("Speak after Close: %v", err)
	}
}
