package sttsocket

import "time"

// SpeechGap is the pause between recognised words after which the next
// word counts as speech starting again, for services without a
// voice-activity event.
const SpeechGap = 500 * time.Millisecond

// WordStarts derives speech starts from recognised words, for services
// that do not signal them: speech starts with the first word after an end
// of turn, or after a pause of SpeechGap. It reports at the word's start,
// which arrives with the service's recognition latency. Its state is on
// the stream's timeline, so it carries over a reconnection as it is: a
// replay's words continue the speech under way, and repeats of words
// already emitted are dropped before they reach it.
type WordStarts struct {
	inSpeech bool
	heardTo  time.Duration // end of the last word heard
}

// Heard notes a word from start to end, announcing speech on t when it
// starts some.
func (w *WordStarts) Heard(t *Timeline, start, end time.Duration) {
	if !w.inSpeech || start-w.heardTo >= SpeechGap {
		w.inSpeech = true
		t.SpeechStarted(start)
	}
	w.heardTo = max(w.heardTo, end)
}

// HeardTo is the end of the last word heard.
func (w *WordStarts) HeardTo() time.Duration { return w.heardTo }

// TurnEnded makes the next word start speech.
func (w *WordStarts) TurnEnded() { w.inSpeech = false }
