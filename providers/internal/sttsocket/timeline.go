package sttsocket

import (
	"math"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// Recognizer maps one protocol's server messages to voice events. It lives
// as long as the stream, across reconnections, so it can place each
// connection's times on the stream's timeline and drop what a replaying
// connection repeats. Only the stream's goroutine calls Handle, one
// connection at a time; Connect and Dropped run on it too, between
// connections.
type Recognizer interface {
	// Connect starts a connection whose audio begins at base in the stream
	// and whose audio before replayEnd was already sent on an earlier one.
	Connect(base, replayEnd time.Duration)
	// Handle maps one text message. ended reports the service's last
	// message after the close message. A *ServerError ends the connection;
	// any other error only the message.
	Handle(data []byte) (ended bool, err error)
	// Dropped withdraws what the lost connection left pending.
	Dropped()
	// Finalized is the stream time up to which the service has finalized
	// the audio.
	Finalized() time.Duration
	// ReplayFrom is where a new connection must start for nothing to be
	// lost: at most Finalized, earlier while the service still owes an
	// end-of-utterance signal for words it finalized.
	ReplayFrom() time.Duration
}

// Timeline is the state every recognizer shares: where the connection's
// audio sits in the stream, what is finalized, and the speech starts
// announced.
type Timeline struct {
	Emit      func(voice.STTEvent)
	Base      time.Duration // stream time of the connection's first audio
	ReplayEnd time.Duration // stream time where replayed audio ends
	Final     time.Duration // stream time finalized so far
	// SuppressStart drops the first speech start of a connection that
	// replays speech already announced before the drop.
	SuppressStart bool
	lastStart     time.Duration // the last speech start emitted
	announced     bool          // whether there was one
}

// Connect implements Recognizer.
func (t *Timeline) Connect(base, replayEnd time.Duration) {
	t.Base, t.ReplayEnd = base, replayEnd
}

// Replaying reports whether at falls in audio a previous connection heard.
func (t *Timeline) Replaying(at time.Duration) bool { return at < t.ReplayEnd }

// Finalized implements Recognizer.
func (t *Timeline) Finalized() time.Duration { return t.Final }

// At places a connection time, in seconds, on the stream timeline.
func (t *Timeline) At(sec float64) time.Duration { return t.Base + Seconds(sec) }

// AtMS places a connection time in milliseconds on the stream timeline.
func (t *Timeline) AtMS(ms float64) time.Duration { return t.At(ms / 1000) }

// SpeechStarted emits a speech start unless a replay repeats one: one at or
// before the last emitted, one inside audio already finalized, or the
// restart of speech already under way when the connection dropped.
func (t *Timeline) SpeechStarted(at time.Duration) {
	repeat := (t.announced && at <= t.lastStart) ||
		(t.Replaying(at) && (t.SuppressStart || at < t.Final))
	t.SuppressStart = false
	if repeat {
		return
	}
	t.lastStart, t.announced = at, true
	t.Emit(&voice.SpeechStarted{At: at})
}

// JoinWords rebuilds a transcript from words, space-separated.
func JoinWords(ws []voice.Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// MeanConfidence stands in for a transcript confidence a service does not
// report.
func MeanConfidence(ws []voice.Word) float64 {
	if len(ws) == 0 {
		return 0
	}
	var sum float64
	for _, w := range ws {
		sum += w.Confidence
	}
	return sum / float64(len(ws))
}

// MaxSeconds bounds service times: anything past a day is nonsense.
const MaxSeconds = 24 * 60 * 60

// Seconds converts a service time to a duration, to the microsecond,
// clamping NaN, negative and absurd values.
func Seconds(s float64) time.Duration {
	if !(s > 0) {
		return 0
	}
	return time.Duration(math.Round(min(s, MaxSeconds)*1e6)) * time.Microsecond
}
