package turn

import (
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// lead is how much audio is kept queued at the carrier ahead of what it is
// playing: enough to ride out scheduling jitter, short enough that pausing
// takes effect at once and little must be cleared on a barge-in.
const lead = 60 * time.Millisecond

// markEvery is how often a mark follows the audio, bounding how stale the
// knowledge of what the caller has heard can be.
const markEvery = 5 // frames: 100 ms

// charsPerSecond estimates speech rate for replies whose TTS reports no
// word timings, until the utterance's total duration is known.
const charsPerSecond = 14.0

// track is the audio of one utterance as it is played to the caller.
type track struct {
	id     string // mark prefix: turn number, or "b" for a backchannel
	fmt    voice.Format
	audio  []byte // not yet sent, from offset sent
	sent   int    // bytes sent to the carrier
	heard  int    // bytes the carrier reports played
	total  int    // bytes received from TTS
	done   bool   // the TTS utterance ended: total is final
	words  []voice.Word
	text   strings.Builder // text sent for synthesis, for timing estimates
	frames int             // frames sent

	// pacing: the carrier's queue is topped up to lead ahead of what it plays
	playing  bool
	paused   bool
	baseAt   time.Time // when sent-bytes offset baseSent started playing
	baseSent int
	nextAt   time.Time
	starved  bool // ran out of audio mid-utterance (an underrun)
	cleared  bool // marks echoed after a clear do not mean played

	firstFrameAt time.Time
	lastFrameAt  time.Time
}

// markGrace is how long after its last frame a track counts as played even
// if the carrier never echoes the final mark, so a lost mark cannot leave
// the assistant "speaking" forever.
const markGrace = time.Second

func newTrack(id string, f voice.Format) *track { return &track{id: id, fmt: f} }

// add appends synthesised audio; words are timed from the utterance start.
func (t *track) add(audio []byte, words []voice.Word) {
	t.audio = append(t.audio, audio...)
	t.total += len(audio)
	t.words = append(t.words, words...)
}

// finished reports whether everything has been sent and no more will come.
func (t *track) finished() bool { return t.done && len(t.audio) == 0 }

// start (or resume) playback now: the lead is sent at once.
func (t *track) start(now time.Time) {
	t.playing, t.paused, t.starved = true, false, false
	t.baseAt, t.baseSent, t.nextAt = now, t.sent, now
}

func (t *track) pause() { t.paused = true }

// pump sends the frames due by now and returns when the next is due.
func (t *track) pump(now time.Time, p Port) (next time.Time, ok bool) {
	if !t.playing || t.paused {
		return time.Time{}, false
	}
	fb := t.fmt.FrameBytes()
	target := t.baseSent + t.fmt.Bytes(now.Sub(t.baseAt)+lead)
	// Only whole frames that are due: a timer firing a little late must
	// not send the next frame early, in pairs every other tick.
	for t.sent+fb <= target {
		if len(t.audio) < fb && !(t.done && len(t.audio) > 0) {
			if !t.done {
				t.starved = true // wait for audio; playback restarts with a fresh lead
			}
			return time.Time{}, false
		}
		n := min(fb, len(t.audio))
		frame := make([]byte, fb)
		copy(frame, t.audio[:n])
		if n < fb { // the utterance's last frame, padded with silence
			copy(frame[n:], t.fmt.Silence()[n:])
		}
		t.audio = t.audio[n:]
		t.sent += n
		t.frames++
		if t.firstFrameAt.IsZero() {
			t.firstFrameAt = now
		}
		p.SendAudio(frame)
		if t.frames%markEvery == 0 || t.finished() {
			p.SendMark(t.id + ":" + strconv.Itoa(t.sent))
		}
	}
	t.lastFrameAt = now
	if t.finished() {
		t.playing = false
		return time.Time{}, false
	}
	// the next frame is due when the carrier's queue drops below the lead
	t.nextAt = t.baseAt.Add(t.fmt.Duration(t.sent-t.baseSent) - lead + voice.FrameDuration)
	if !t.nextAt.After(now) {
		t.nextAt = now.Add(voice.FrameDuration)
	}
	return t.nextAt, true
}

// resumeIfStarved restarts playback after an underrun once audio arrived.
func (t *track) resumeIfStarved(now time.Time) {
	if t.playing && !t.paused && t.starved && (len(t.audio) >= t.fmt.FrameBytes() || t.done) {
		t.start(now)
	}
}

// marked records a played mark of this track.
func (t *track) marked(name string) bool {
	id, off, ok := strings.Cut(name, ":")
	if !ok || id != t.id || t.cleared {
		return false
	}
	n, err := strconv.Atoi(off)
	if err != nil {
		return false
	}
	t.heard = max(t.heard, n)
	return true
}

// playedOut reports whether the caller has heard all of a finished track.
func (t *track) playedOut(now time.Time) bool {
	if !t.finished() {
		return false
	}
	if t.heard >= t.sent {
		return true
	}
	if !t.lastFrameAt.IsZero() && !now.Before(t.lastFrameAt.Add(lead+markGrace)) {
		t.heard = t.sent
		return true
	}
	return false
}

// playoutDeadline is when playedOut will turn true without a mark.
func (t *track) playoutDeadline() time.Time { return t.lastFrameAt.Add(lead + markGrace) }

// playedFor is how long the track has been audible.
func (t *track) playedFor(now time.Time) time.Duration {
	if t.firstFrameAt.IsZero() {
		return 0
	}
	return now.Sub(t.firstFrameAt)
}

// left is how long the caller still has to hear, when the utterance is
// complete; ok is false while more audio may come.
func (t *track) left() (time.Duration, bool) {
	if !t.done {
		return 0, false
	}
	return t.fmt.Duration(t.total - t.heard), true
}

// heardText returns the words the caller has heard: those at least half
// played. Without timings from the TTS, words are placed by character
// count at the utterance's measured (or, until known, a typical) rate.
func (t *track) heardText() string {
	heard := t.fmt.Duration(t.heard)
	if t.heard >= t.total && t.done {
		return strings.TrimSpace(t.text.String())
	}
	var out []string
	if len(t.words) > 0 {
		for _, w := range t.words {
			if (w.Start+w.End)/2 <= heard {
				out = append(out, w.Text)
			}
		}
		return strings.Join(out, " ")
	}
	text := t.text.String()
	rate := charsPerSecond
	if t.done && t.total > 0 {
		rate = float64(len(text)) / t.fmt.Duration(t.total).Seconds()
	}
	pos := 0
	for _, w := range strings.Fields(text) {
		mid := time.Duration((float64(pos) + float64(len(w))/2) / rate * float64(time.Second))
		if mid > heard {
			break
		}
		out = append(out, w)
		pos += len(w) + 1
	}
	return strings.Join(out, " ")
}
