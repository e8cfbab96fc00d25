package soniox

import (
	"strings"
	"time"
	"unicode"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// recognizer maps Soniox responses onto voice events:
//   - final tokens → a final Transcript of the complete words among them; a
//     word's last piece may still be coming, so the final word is held back
//     until a token starting a new word, <end> or <fin> shows it complete
//   - non-final tokens (with the held-back words) → an interim Transcript
//     when its text changed (interim_results)
//   - <end> → a final Transcript with SpeechFinal, then EndOfTurn with the
//     utterance's text
//   - <fin> (after a finalize message) → a final Transcript of what was held
//   - with punctuate off, tokens of punctuation alone are dropped
//   - the first token after an end of turn or a pause → SpeechStarted at the
//     token's start (sttsocket.WordStarts)
//   - utterance_silence_timeout: when processed audio (total_audio_proc_ms)
//     runs that far past the last word with nothing non-final pending, the
//     end of turn is derived as if <end> had come
//   - {"finished": true} → what was held as a final, and the end of a
//     closed stream; an error response →
//     a ServerError ending the connection
//
// Across a reconnection it drops tokens that end inside words already
// emitted and the restart of speech already under way. While an utterance
// awaits its <end>, the replay starts at the utterance's first word so the
// new connection can end it.
type recognizer struct {
	sttsocket.Timeline
	starts  sttsocket.WordStarts // Soniox has no voice-activity event
	msg     response
	interim bool          // interim_results
	endsBy  time.Duration // utterance_silence_timeout; 0 for none
	owesEnd bool          // something ends utterances: endpoint detection or endsBy
	plain   bool          // punctuate off: punctuation tokens are dropped

	pending   []piece // final tokens not emitted yet
	complete  int     // how many of them make complete words
	utterance []voice.Word
	uttStart  time.Duration // start of the utterance's first word
	emitted   time.Duration // end of the last word emitted in a final
	lastText  string        // the last interim's text
	nonFinal  []piece
}

// piece is a token placed on the stream timeline.
type piece struct {
	text       string
	start, end time.Duration
	conf       float64
}

func newRecognizer(emit func(voice.STTEvent), interim bool, endsBy time.Duration, endpoints bool) *recognizer {
	return &recognizer{
		Timeline: sttsocket.Timeline{Emit: emit},
		interim:  interim, endsBy: endsBy, owesEnd: endpoints || endsBy > 0,
	}
}

// ReplayFrom implements sttsocket.Recognizer.
func (r *recognizer) ReplayFrom() time.Duration {
	from := r.Final
	if len(r.pending) > 0 {
		from = min(from, r.pending[0].start)
	}
	if r.owesEnd && len(r.utterance) > 0 {
		from = min(from, r.uttStart)
	}
	return from
}

// Dropped implements sttsocket.Recognizer.
func (r *recognizer) Dropped() {
	r.pending, r.complete, r.nonFinal, r.lastText = r.pending[:0], 0, r.nonFinal[:0], ""
}

// Handle implements sttsocket.Recognizer.
func (r *recognizer) Handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(data); err != nil {
		return false, err
	}
	if m.isError {
		return false, serverError(m.errCode, m.errMsg)
	}
	r.Final = max(r.Final, r.AtMS(m.finalMS))
	r.nonFinal = r.nonFinal[:0]
	for i := range m.tokens {
		t := &m.tokens[i]
		if t.translated {
			continue
		}
		switch string(t.text) {
		case tokenEnd:
			r.endTurn()
			continue
		case tokenFin:
			r.flush(len(r.pending), false)
			// the engine asked: no <end> is owed for what it cut
			r.utterance = r.utterance[:0]
			r.starts.TurnEnded()
			continue
		}
		if r.plain && punctuation(t.text) {
			continue
		}
		p := piece{text: string(t.text), start: r.AtMS(t.startMS), end: r.AtMS(t.endMS), conf: t.confidence}
		p.end = max(p.end, p.start) // times out of order are the service's mistake
		if t.endMS > 0 && p.end <= r.emitted {
			continue // a replay repeating words already emitted
		}
		r.starts.Heard(&r.Timeline, p.start, p.end)
		if !t.final {
			r.nonFinal = append(r.nonFinal, p)
			continue
		}
		if startsWord(p.text) {
			r.complete = len(r.pending) // what was held is complete
		}
		r.pending = append(r.pending, p)
	}
	if len(r.nonFinal) > 0 && startsWord(r.nonFinal[0].text) {
		r.complete = len(r.pending)
	}
	r.flush(r.complete, false)
	if r.endsBy > 0 && len(r.nonFinal) == 0 && (len(r.pending) > 0 || len(r.utterance) > 0) &&
		r.AtMS(m.totalMS)-r.starts.HeardTo() >= r.endsBy {
		r.endTurn()
	}
	if m.finished {
		r.flush(len(r.pending), false) // no more pieces will come
		return true, nil
	}
	r.interimUpdate()
	return false, nil
}

// flush emits the first n held pieces as a final transcript, or an empty
// one that carries SpeechFinal alone.
func (r *recognizer) flush(n int, speechFinal bool) {
	words := wordsOf(r.pending[:n])
	r.pending = append(r.pending[:0], r.pending[n:]...)
	r.complete = 0
	if len(words) == 0 && !speechFinal {
		return
	}
	t := &voice.Transcript{Final: true, SpeechFinal: speechFinal, Start: r.emitted, End: r.emitted}
	if len(words) > 0 {
		if len(r.utterance) == 0 {
			r.uttStart = words[0].Start
		}
		if r.owesEnd { // kept for the end of turn; without one it would grow all call
			r.utterance = append(r.utterance, words...)
		}
		t.Text, t.Words = sttsocket.JoinWords(words), words
		t.Confidence = sttsocket.MeanConfidence(words)
		t.Start, t.End = words[0].Start, words[len(words)-1].End
		r.emitted = max(r.emitted, t.End)
	}
	r.lastText = ""
	r.Emit(t)
}

// endTurn ends the utterance: its held words go out with SpeechFinal, then
// EndOfTurn with the whole utterance. An <end> with nothing since the last
// end of turn (after a derived one) ends nothing.
func (r *recognizer) endTurn() {
	if len(r.pending) == 0 && len(r.utterance) == 0 {
		return
	}
	r.flush(len(r.pending), true)
	r.Emit(&voice.EndOfTurn{Text: sttsocket.JoinWords(r.utterance), Confidence: sttsocket.MeanConfidence(r.utterance)})
	r.utterance = r.utterance[:0]
	r.starts.TurnEnded()
}

// interimUpdate emits the words not final yet, held and non-final, if
// their text changed.
func (r *recognizer) interimUpdate() {
	if !r.interim || len(r.nonFinal) == 0 && len(r.pending) == 0 {
		return
	}
	all := append(append(make([]piece, 0, len(r.pending)+len(r.nonFinal)), r.pending...), r.nonFinal...)
	words := wordsOf(all)
	text := sttsocket.JoinWords(words)
	if text == "" || text == r.lastText {
		return
	}
	r.lastText = text
	r.Emit(&voice.Transcript{
		Text: text, Confidence: sttsocket.MeanConfidence(words), Words: words,
		Start: words[0].Start, End: words[len(words)-1].End,
	})
}

// wordsOf joins tokens into words: a token starting with a space starts a
// word, any other continues the last. A word's confidence is its lowest
// token's.
func wordsOf(ps []piece) []voice.Word {
	var out []voice.Word
	for _, p := range ps {
		text := strings.TrimSpace(p.text)
		if len(out) == 0 || startsWord(p.text) {
			if text == "" {
				continue
			}
			out = append(out, voice.Word{Text: text, Start: p.start, End: p.end, Confidence: p.conf})
			continue
		}
		w := &out[len(out)-1]
		w.Text += text
		w.End = max(w.End, p.end)
		w.Confidence = min(w.Confidence, p.conf)
	}
	return out
}

// punctuation reports a token of punctuation marks alone (Soniox sends
// them as their own pieces, attached to the word before).
func punctuation(text []byte) bool {
	s := strings.TrimSpace(string(text))
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPunct(r) }) < 0
}

func startsWord(s string) bool { return s != "" && (s[0] == ' ' || s[0] == '\n') }
