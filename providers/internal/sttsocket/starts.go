package sttsocket

import "time"

// SpeechGap is the pause between recognised words after which the next
// word counts as speech starting again, for services without a
// voice-activity event.
const SpeechGap = 500 * time.Millisecond

// WordStarts derives speech starts from recognised words, for services
// that do not signal them: speech starts with the first word after an end
// of turn, or after a pause of SpeechGap. It reports at the word's start,
// which arrives with the service's recognition latency.
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

// TurnEnded makes the next word start speech, even on a connection that
// replays speech under way at a drop: that speech is over.
func (w *WordStarts) TurnEnded(t *Timeline) {
	w.inSpeech, t.SuppressStart = false, false
}

// Dropped prepares for a new connection: its first word restarts speech,
// which t announces only if none was under way.
func (w *WordStarts) Dropped(t *Timeline) {
	t.SuppressStart, w.inSpeech = w.inSpeech, false
}
