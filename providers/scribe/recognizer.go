package scribe

import (
	"math"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// recognizer maps Scribe's messages onto voice events:
//   - the first partial_transcript of a segment → SpeechStarted at the
//     start of the first sound the client heard after the last commit
//     (partials carry no times; hearing has them)
//   - partial_transcript → an interim Transcript when its text changed
//     (interim_results), its words timed over the segment's sound
//   - committed_transcript_with_timestamps (include_timestamps), else
//     committed_transcript → a final Transcript of its words, an empty
//     final with SpeechFinal, and EndOfTurn: a commit ends a segment,
//     which is a turn (the service's VAD, the client's manual commits, or
//     Finalize)
//   - error messages → ServerError (commit_throttled only reported)
//
// Words without the service's times (partials; commits without
// include_timestamps) are timed from hearing: one word per run of sound
// when the counts agree, else spread over the sound by their length; the
// segment's sound ends at the first silence long enough to end a segment.
// Partials carry no confidence: their words count as 1; committed words
// take exp(logprob), or 1 without it. After a commit the service echoes
// the committed text once as a partial: it opens no segment.
//
// Across a reconnection it drops committed words already emitted; an open
// segment replays from the last commit.
type recognizer struct {
	sttsocket.Timeline
	hear       *hearing
	msg        message
	interim    bool
	punctuate  bool
	timestamps bool
	// segmentGap is the silence that ends a segment (the VAD's or the
	// manual commits'): sound after such a gap belongs to the next one
	segmentGap time.Duration

	open        atomic.Bool // a segment is open: partials came since the last commit
	sentenceEnd atomic.Bool // the latest partial ends a sentence
	closing     atomic.Bool // the close commit was sent

	emitted       time.Duration // end of the last word emitted in a final
	lastText      string        // the last interim's text
	lastCommitted string
	echo          bool // the next partial may echo lastCommitted
	words         []voice.Word
}

func newRecognizer(emit func(voice.STTEvent), h *hearing, interim, punctuate, timestamps bool, segmentGap time.Duration) *recognizer {
	return &recognizer{
		Timeline: sttsocket.Timeline{Emit: emit}, hear: h,
		interim: interim, punctuate: punctuate, timestamps: timestamps, segmentGap: max(segmentGap, frameTime),
	}
}

// ReplayFrom implements sttsocket.Recognizer: the last commit's end, so an
// open segment is heard whole again.
func (r *recognizer) ReplayFrom() time.Duration { return r.Final }

// Dropped implements sttsocket.Recognizer. An open segment stays open: the
// replay owes its commit.
func (r *recognizer) Dropped() {
	r.lastText, r.echo = "", false
}

// Handle implements sttsocket.Recognizer.
func (r *recognizer) Handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(data); err != nil {
		return false, err
	}
	switch m.typ {
	case msgPartial:
		r.partial(string(m.text))
	case msgCommitted:
		if r.timestamps && strings.TrimSpace(string(m.text)) != "" {
			return false, nil // the timed version follows
		}
		return r.commit(r.timedBySound(fields(string(m.text)), 1), string(m.text)), nil
	case msgCommittedWithTimes:
		if !r.timestamps {
			return false, nil
		}
		return r.commit(r.timedByService(m.words), string(m.text)), nil
	case msgError:
		if m.errKind == "commit_throttled" {
			return false, ErrThrottled
		}
		return false, serverError(m.errKind, m.errMsg)
	}
	return false, nil
}

func (r *recognizer) partial(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	if !r.open.Load() {
		if r.echo && text == r.lastCommitted {
			r.echo = false
			return
		}
		r.open.Store(true)
		at := r.hear.heardTo()
		if runs := r.hear.soundSince(r.Final, 0); len(runs) > 0 {
			at = runs[0].start
		}
		r.SpeechStarted(at)
	}
	r.echo = false
	last, _ := utf8.DecodeLastRuneInString(text)
	r.sentenceEnd.Store(last == '.' || last == '?' || last == '!')
	if !r.interim || text == r.lastText {
		return
	}
	words := r.timedBySound(fields(text), 1)
	if len(words) == 0 {
		return
	}
	r.lastText = text
	r.Emit(&voice.Transcript{
		Text: sttsocket.JoinWords(words), Confidence: 1, Words: words,
		Start: words[0].Start, End: words[len(words)-1].End,
	})
}

// commit ends the open segment with its words, committed as text. It
// reports the end of the audio: after the close commit, once every sound
// heard is committed.
func (r *recognizer) commit(words []voice.Word, text string) (ended bool) {
	defer func() { ended = r.closing.Load() && r.Final >= r.hear.lastSound() }()
	wasOpen := r.open.Swap(false)
	r.sentenceEnd.Store(false)
	r.lastText = ""
	kept := words[:0]
	for _, w := range words {
		if w.End > r.emitted || w.End == 0 && r.emitted == 0 {
			kept = append(kept, w)
		}
	}
	if strings.TrimSpace(text) != "" {
		r.lastCommitted, r.echo = strings.TrimSpace(text), true
	}
	if len(kept) == 0 {
		return // nothing heard, or a replay repeating words already emitted
	}
	if !wasOpen {
		r.SpeechStarted(kept[0].Start) // no partial announced it
	}
	end := kept[len(kept)-1].End
	r.Final, r.emitted = max(r.Final, end), max(r.emitted, end)
	joined := sttsocket.JoinWords(kept)
	conf := sttsocket.MeanConfidence(kept)
	r.Emit(&voice.Transcript{
		Text: joined, Confidence: conf, Words: append([]voice.Word(nil), kept...),
		Final: true, Start: kept[0].Start, End: end,
	})
	r.Emit(&voice.Transcript{Final: true, SpeechFinal: true, Start: end, End: end})
	r.Emit(&voice.EndOfTurn{Text: joined, Confidence: conf})
	return
}

// timedByService converts a committed message's words: spacing is
// skipped, audio events ("(laughter)") are not the caller's words, and
// punctuation standing alone joins the word before it.
func (r *recognizer) timedByService(items []item) []voice.Word {
	out := r.words[:0]
	for _, it := range items {
		if it.kind != itemWord {
			continue
		}
		text := r.clean(string(it.text))
		if text == "" {
			if r.punctuate && len(out) > 0 && strings.TrimSpace(string(it.text)) != "" {
				out[len(out)-1].Text += strings.TrimSpace(string(it.text))
			}
			continue
		}
		if r.punctuate {
			text = strings.TrimSpace(string(it.text))
		}
		start := r.At(it.start)
		conf := 1.0
		if it.hasLogprob {
			conf = confidence(it.logprob)
		}
		out = append(out, voice.Word{Text: text, Start: start, End: max(r.At(it.end), start), Confidence: conf})
	}
	r.words = out
	return out
}

// timedBySound times words the service did not time over the sound heard
// since the last commit.
func (r *recognizer) timedBySound(texts []string, conf float64) []voice.Word {
	out := r.words[:0]
	for _, t := range texts {
		if t = r.cleanKeep(t); t != "" {
			out = append(out, voice.Word{Text: t, Confidence: conf})
		}
	}
	r.words = out
	if len(out) == 0 {
		return out
	}
	runs := r.hear.soundSince(r.Final, 0)
	for i := 1; i < len(runs); i++ {
		if runs[i].start-runs[i-1].end >= r.segmentGap {
			runs = runs[:i]
			break
		}
	}
	if len(runs) == 0 {
		at := r.hear.heardTo()
		runs = []run{{at, at}}
	}
	if len(runs) == len(out) {
		for i := range out {
			out[i].Start, out[i].End = runs[i].start, runs[i].end
		}
		return out
	}
	// spread by length over the whole sound
	start, end := runs[0].start, runs[len(runs)-1].end
	total := 0
	for _, w := range out {
		total += utf8.RuneCountInString(w.Text)
	}
	at, done := start, 0
	for i := range out {
		done += utf8.RuneCountInString(out[i].Text)
		out[i].Start = at
		at = start + time.Duration(int64(end-start)*int64(done)/int64(total))
		out[i].End = at
	}
	return out
}

// cleanKeep is a word as the engine gets it: punctuation kept with
// punctuate, else stripped.
func (r *recognizer) cleanKeep(w string) string {
	if r.punctuate {
		return w
	}
	return r.clean(w)
}

// clean strips punctuation around a word.
func (r *recognizer) clean(w string) string {
	return strings.TrimFunc(w, func(c rune) bool { return unicode.IsPunct(c) || unicode.IsSpace(c) })
}

// fields splits a transcript into words.
func fields(text string) []string { return strings.Fields(text) }

// confidence is a word's probability from its log-probability, to the
// millionth (the service's figures carry no more).
func confidence(logprob float64) float64 {
	if !(logprob <= 0) {
		return 1
	}
	return math.Round(math.Exp(max(logprob, -700))*1e6) / 1e6
}
