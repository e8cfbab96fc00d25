package deepgram

import (
	"math"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// recognizer maps one protocol's server messages to voice events. It lives
// as long as the stream, across reconnections, so it can place each
// connection's times on the stream's timeline and drop what a replaying
// connection repeats. Only the stream's reader goroutine calls handle, one
// connection at a time; connect and dropped run in the writer goroutine
// while no reader runs.
type recognizer interface {
	// connect starts a connection whose audio begins at base in the stream
	// and whose audio before replayEnd was already sent on an earlier one.
	connect(base, replayEnd time.Duration)
	// handle maps one text message. ended reports the service's last
	// message after CloseStream (v1 Metadata). A *ServerError ends the
	// connection; ErrMalformed only the message.
	handle(data []byte) (ended bool, err error)
	// dropped withdraws what the lost connection left pending.
	dropped()
	// finalized is the stream time up to which the service has finalized
	// the audio.
	finalized() time.Duration
	// replayFrom is where a new connection must start for nothing to be
	// lost: at most finalized, earlier while the service still owes an
	// end-of-utterance signal for words it finalized.
	replayFrom() time.Duration
	// finalizeMessage is the control message behind STTStream.Finalize.
	finalizeMessage() []byte
	// keepsAlive reports whether idle connections need KeepAlive messages.
	keepsAlive() bool
}

var closeStream = []byte(`{"type":"CloseStream"}`)

// timeline is the state both recognizers share.
type timeline struct {
	emit      func(voice.STTEvent)
	dec       decoder
	base      time.Duration // stream time of the connection's first audio
	replayEnd time.Duration // stream time where replayed audio ends
	final     time.Duration // stream time finalized so far
	// suppressStart drops the first speech start of a connection that
	// replays speech already announced before the drop.
	suppressStart bool
	lastStart     time.Duration // the last speech start emitted
	announced     bool          // whether there was one
}

func (t *timeline) connect(base, replayEnd time.Duration) {
	t.base, t.replayEnd = base, replayEnd
}

// replaying reports whether at falls in audio a previous connection heard.
func (t *timeline) replaying(at time.Duration) bool { return at < t.replayEnd }

func (t *timeline) finalized() time.Duration { return t.final }

// at places a connection time, in seconds, on the stream timeline.
func (t *timeline) at(sec float64) time.Duration { return t.base + seconds(sec) }

// speechStarted emits a speech start unless a replay repeats one: one at or
// before the last emitted, one inside audio already finalized, or the
// restart of speech already under way when the connection dropped.
func (t *timeline) speechStarted(at time.Duration) {
	repeat := (t.announced && at <= t.lastStart) ||
		(t.replaying(at) && (t.suppressStart || at < t.final))
	t.suppressStart = false
	if repeat {
		return
	}
	t.lastStart, t.announced = at, true
	t.emit(&voice.SpeechStarted{At: at})
}

// words converts service words, dropping timed ones that end inside audio
// already finalized (a replay repeating them). It reports whether any were
// dropped.
func (t *timeline) words(ws []wireWord) ([]voice.Word, bool) {
	if len(ws) == 0 {
		return nil, false
	}
	out := make([]voice.Word, 0, len(ws))
	for _, w := range ws {
		end := t.at(w.end)
		if w.end > 0 && end <= t.final {
			continue
		}
		text := w.punctuated
		if text == "" {
			text = w.word
		}
		out = append(out, voice.Word{Text: text, Start: t.at(w.start), End: end, Confidence: w.confidence})
	}
	return out, len(out) < len(ws)
}

// joinWords rebuilds a transcript from the words kept.
func joinWords(ws []voice.Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// maxSeconds bounds service times: anything past a day is nonsense.
const maxSeconds = 24 * 60 * 60

// seconds converts a service time to a duration, to the microsecond,
// clamping NaN, negative and absurd values.
func seconds(s float64) time.Duration {
	if !(s > 0) {
		return 0
	}
	return time.Duration(math.Round(min(s, maxSeconds)*1e6)) * time.Microsecond
}
