package ttstest

import (
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

// Result splits events into audio, words and the final event, checking
// that only the last one ends the utterance.
func Result(t testing.TB, events []voice.TTSEvent) (audio []byte, words []voice.Word, last voice.TTSEvent) {
	t.Helper()
	for i, e := range events {
		switch e := e.(type) {
		case *voice.TTSAudio:
			audio = append(audio, e.Audio...)
			words = append(words, e.Words...)
		case *voice.TTSDone, *voice.TTSError:
			if i != len(events)-1 {
				t.Fatalf("event %d of %d is final: %T", i, len(events), e)
			}
		}
	}
	return audio, words, events[len(events)-1]
}

// Done returns last as the utterance's successful end, failing t if it is
// not one.
func Done(t testing.TB, last voice.TTSEvent) *voice.TTSDone {
	t.Helper()
	d, ok := last.(*voice.TTSDone)
	if !ok {
		if e, ok := last.(*voice.TTSError); ok {
			t.Fatalf("utterance failed: %v", e.Err)
		}
		t.Fatalf("utterance ended with %#v", last)
	}
	return d
}

// Failed returns the error last ended the utterance with, failing t if it
// did not end with one.
func Failed(t testing.TB, last voice.TTSEvent) error {
	t.Helper()
	e, ok := last.(*voice.TTSError)
	if !ok {
		t.Fatalf("utterance ended with %#v, want an error", last)
	}
	return e.Err
}

// Last returns the final event.
func Last(events []voice.TTSEvent) voice.TTSEvent { return events[len(events)-1] }
