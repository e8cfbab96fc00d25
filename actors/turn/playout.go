package turn

import (
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fifo"
	"github.com/switchboard-voice/switchboard/voice"
)

// Lead is how much audio the call's outbound clock keeps queued at the
// carrier ahead of what it is playing (codecs.Pacer), give or take a
// frame: enough to ride out a late timer, little enough that a pause
// takes effect at once and a barge-in has little to clear.
const Lead = 60 * time.Millisecond

// markEvery is how often a mark follows the audio, bounding how stale the
// knowledge of what the caller has heard can be.
const markEvery = 5 // frames: 100 ms

// markGrace is how long after its last frame a track counts as played even
// if the carrier never echoes the final mark, so a lost mark cannot leave
// the assistant speaking forever.
const markGrace = time.Second

// charsPerSecond estimates speech rate for replies whose TTS reports no
// word timings, until the utterance's total duration is known.
const charsPerSecond = 14.0

// track is the audio of one utterance as it is played to the caller.
type track struct {
	id     string // mark prefix: the reply's id, or "b…" for an acknowledgement
	fmt    voice.Format
	audio  fifo.Bytes      // not yet sent
	sent   int             // bytes sent to the carrier
	heard  int             // bytes the carrier reports played
	total  int             // bytes received from synthesis
	done   bool            // synthesis ended: total is final
	failed bool            // synthesis failed: the text was not all spoken
	words  []voice.Word    // timings the synthesiser reported, of spoken
	text   strings.Builder // what the track says, as transcripts and history give it
	spoken strings.Builder // what the synthesiser was given, after pronunciation rules
	chunks []textChunk
	frames int // frames sent
	// rate is the voice's speech rate in characters per second, measured
	// on an earlier utterance; 0: not known, charsPerSecond is assumed.
	rate float64

	cleared      bool // marks echoed after a clear do not mean played
	firstFrameAt time.Time
	lastFrameAt  time.Time
}

func newTrack(id string, f voice.Format) *track {
	return &track{id: id, fmt: f, audio: fifo.New(f.FrameBytes())}
}

// add appends synthesised audio; words are timed from the utterance start.
func (t *track) add(audio []byte, words []voice.Word) {
	t.audio.Append(audio)
	t.total += len(audio)
	t.words = append(t.words, words...)
}

// textChunk is one piece of text sent for synthesis: its length as said
// and as spoken (they differ where pronunciation rules replaced words).
type textChunk struct{ said, spoken int }

// addText records text sent for synthesis.
func (t *track) addText(said, spoken string) {
	if t.text.Len() > 0 {
		t.text.WriteByte(' ')
		t.spoken.WriteByte(' ')
	}
	t.text.WriteString(said)
	t.spoken.WriteString(spoken)
	t.chunks = append(t.chunks, textChunk{said: len(said) + 1, spoken: len(spoken) + 1})
}

// hasFrame reports whether the track has begun or has a frame ready.
func (t *track) hasFrame() bool {
	return t.sent > 0 || t.audio.Len() >= t.fmt.FrameBytes() || (t.done && t.audio.Len() > 0)
}

// finished reports whether everything has been sent and no more will come.
func (t *track) finished() bool { return t.done && t.audio.Len() == 0 }

// next takes the next frame to send at now, and the mark to follow it. It
// has none while synthesis lags behind playback (an underrun: the clock
// comes back for it) or once the track is finished.
func (t *track) next(now time.Time) (frame []byte, mark string, ok bool) {
	fb := t.fmt.FrameBytes()
	n := min(fb, t.audio.Len())
	if n == 0 || (n < fb && !t.done) {
		return nil, "", false
	}
	if frame = t.audio.Peek(0, fb); len(frame) < fb {
		// the utterance's last frame, padded with silence, or one a
		// chunk boundary splits (the queue's chunks hold whole frames, so
		// only audio queued out of step with them)
		frame = make([]byte, fb)
		for off := 0; off < n; {
			off += copy(frame[off:], t.audio.Peek(off, n-off))
		}
		copy(frame[n:], t.fmt.Silence()[n:])
	}
	// Otherwise the frame is the track's own audio: once taken, it is
	// never written again (fifo.Bytes), so a frame costs no allocation or
	// copy. Its users may change it in place (the background sound is
	// mixed into it) as they could a copy.
	t.audio.Discard(n)
	t.sent += n
	t.frames++
	if t.firstFrameAt.IsZero() {
		t.firstFrameAt = now
	}
	t.lastFrameAt = now
	if t.frames%markEvery == 0 || t.finished() {
		mark = t.id + ":" + strconv.Itoa(t.sent)
	}
	return frame, mark, true
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
	t.heard = max(t.heard, min(n, t.sent))
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
	if at, ok := t.playoutDeadline(); ok && !now.Before(at) {
		t.heard = t.sent
		return true
	}
	return false
}

// playoutDeadline is when a finished track counts as played without its
// last mark.
func (t *track) playoutDeadline() (time.Time, bool) {
	if !t.finished() || t.heard >= t.sent || t.lastFrameAt.IsZero() {
		return time.Time{}, false
	}
	return t.lastFrameAt.Add(Lead + markGrace), true
}

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

// fullyHeard reports whether the caller heard all the text the track was
// to speak.
func (t *track) fullyHeard() bool { return t.done && !t.failed && t.heard >= t.total }

// heardText returns the words the caller has heard: those at least half
// played. Without timings from the TTS, words are placed by character
// count at the utterance's measured (or, until known, a typical) rate.
// Where pronunciation rules changed what was spoken, positions in the
// spoken text are carried back to the text as said.
func (t *track) heardText() string {
	if t.fullyHeard() {
		return strings.TrimSpace(t.text.String())
	}
	heard := t.fmt.Duration(t.heard)
	rewritten := t.spoken.String() != t.text.String()
	if len(t.words) > 0 {
		var out []string
		for _, w := range t.words {
			if (w.Start+w.End)/2 <= heard {
				out = append(out, w.Text)
			}
		}
		if !rewritten {
			return strings.Join(out, " ")
		}
		return t.saidUpTo(endOfWords(t.spoken.String(), len(out)))
	}
	spoken := t.spoken.String()
	rate := charsPerSecond
	switch {
	case t.done && !t.failed && t.total > 0:
		rate = t.spokenRate()
	case t.rate > 0:
		rate = t.rate
	}
	pos := 0
	for _, w := range strings.Fields(spoken) {
		mid := time.Duration((float64(pos) + float64(len(w))/2) / rate * float64(time.Second))
		if mid > heard {
			break
		}
		pos += len(w) + 1
	}
	return t.saidUpTo(pos)
}

// spokenRate is the track's speech rate in characters per second, once
// it is synthesised in full; 0 before.
func (t *track) spokenRate() float64 {
	if !t.done || t.failed || t.total == 0 {
		return 0
	}
	return float64(t.spoken.Len()) / t.fmt.Duration(t.total).Seconds()
}

// endOfWords is where the first n words of s end.
func endOfWords(s string, n int) int {
	pos := 0
	for i, w := range strings.Fields(s) {
		if i == n {
			break
		}
		pos = strings.Index(s[pos:], w) + pos + len(w)
	}
	return pos
}

// saidUpTo returns the words of the text as said that come before
// position p of the spoken text.
func (t *track) saidUpTo(p int) string {
	said := 0
	for _, c := range t.chunks {
		if p <= c.spoken {
			said += p * c.said / max(c.spoken, 1)
			break
		}
		p -= c.spoken
		said += c.said
	}
	text := t.text.String()
	var out []string
	pos := 0
	for _, w := range strings.Fields(text) {
		start := strings.Index(text[pos:], w) + pos
		if start+(len(w)+1)/2 > said {
			break
		}
		out = append(out, w)
		pos = start + len(w)
	}
	return strings.Join(out, " ")
}

// Frame is a frame of the assistant's audio for the carrier.
type Frame struct {
	Audio []byte // the caller's to keep
	Mark  string // to send after it, or ""
	// ReplyStart marks a reply's first frame: the one its latency is
	// timed to.
	ReplyStart bool
}

// NextFrame is the next frame the caller should hear. ok is false when
// the assistant has nothing to play now: it is silent, guessing, paused,
// or waiting for synthesis. The call's outbound clock calls it each time
// the carrier's queue has room for a frame.
func (m *Machine) NextFrame(now time.Time) (f Frame, ok bool) {
	r := m.reply
	untimed := r != nil && !r.timed
	f.Audio, f.Mark, _, ok = m.nextFrame(now)
	f.ReplyStart = untimed && r.timed
	return f, ok
}

// nextFrame is NextFrame, saying which track the frame is from.
func (m *Machine) nextFrame(now time.Time) (frame []byte, mark string, from *track, ok bool) {
	if m.assistant == Thinking && m.fill.track != nil {
		filler := m.fill.track
		if frame, mark, ok = m.fillerFrame(now); ok {
			return frame, mark, filler, true
		}
	}
	t := m.playing()
	if t == nil {
		return nil, "", nil, false
	}
	if frame, mark, ok = t.next(now); !ok {
		return nil, "", nil, false
	}
	if r := m.reply; r != nil && t == r.track && !r.timed {
		r.timed = true
		m.publishTimings(r)
		if m.assistant == Thinking {
			m.setAssistant(Speaking)
		}
	}
	return frame, mark, t, true
}

// playing is the track the caller may hear now, if any.
func (m *Machine) playing() *track {
	switch m.assistant {
	case Acknowledging:
		return m.ack
	case Thinking, Speaking, Ending:
		if m.reply != nil {
			return m.reply.track
		}
	}
	return nil
}

// MarkPlayed feeds a carrier's report that audio up to a mark was played.
func (m *Machine) MarkPlayed(now time.Time, name string) {
	switch {
	case m.assistant == Acknowledging && m.ack.marked(name):
		m.endAckIfPlayed(now)
	case m.reply != nil && m.reply.track.marked(name):
		m.checkFinished(now)
	}
}
