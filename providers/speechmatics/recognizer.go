package speechmatics

import (
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// recognizer maps Speechmatics messages onto voice events:
//   - AddPartialTranscript → an interim Transcript when its text changed
//     (interim_results with enable_partials)
//   - AddTranscript → a final Transcript of its words; one without words
//     only moves the finalized point
//   - EndOfUtterance (end_of_utterance_silence_trigger, or after
//     ForceEndOfUtterance) → an empty final Transcript with SpeechFinal and
//     EndOfTurn with the utterance's text, if words came since the last one
//   - the first word after an end of utterance or a pause → SpeechStarted
//     (Speechmatics has no voice-activity event; sttsocket.WordStarts)
//   - EndOfTranscript → the end of a closed stream; Error → a ServerError
//
// Punctuation marks attach to the word before them (attaches_to previous or
// both), and are dropped when punctuate is off. Across a reconnection it
// drops finals inside audio already finalized and words already emitted;
// while an utterance awaits its EndOfUtterance the replay starts at its
// first word so the new connection can end it.
type recognizer struct {
	sttsocket.Timeline
	starts    sttsocket.WordStarts
	msg       message
	interim   bool
	punctuate bool
	owesEnd   bool // end_of_utterance_silence_trigger is on

	utterance []voice.Word // final words since the last end (with owesEnd)
	sinceEnd  bool         // final words came since the last end
	uttStart  time.Duration
	emitted   time.Duration // end of the last word emitted in a final
	lastText  string        // the last interim's text
}

func newRecognizer(emit func(voice.STTEvent), interim, punctuate, endsUtterances bool) *recognizer {
	return &recognizer{
		Timeline: sttsocket.Timeline{Emit: emit},
		interim:  interim, punctuate: punctuate, owesEnd: endsUtterances,
	}
}

// ReplayFrom implements sttsocket.Recognizer.
func (r *recognizer) ReplayFrom() time.Duration {
	if r.owesEnd && r.sinceEnd {
		return min(r.Final, r.uttStart)
	}
	return r.Final
}

// Dropped implements sttsocket.Recognizer.
func (r *recognizer) Dropped() {
	r.lastText = ""
}

// Handle implements sttsocket.Recognizer.
func (r *recognizer) Handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(data); err != nil {
		return false, err
	}
	switch m.typ {
	case msgPartial:
		r.partial()
	case msgFinal:
		r.final()
	case msgEndOfUtterance:
		r.endOfUtterance()
	case msgEndOfTranscript:
		return true, nil
	case msgError:
		return false, serverError(m.errType, m.reason)
	}
	return false, nil
}

func (r *recognizer) partial() {
	words := r.wordsOf(r.msg.results)
	if !r.interim || len(words) == 0 {
		return
	}
	text := sttsocket.JoinWords(words)
	if text == r.lastText {
		return
	}
	r.lastText = text
	r.Emit(&voice.Transcript{
		Text: text, Confidence: sttsocket.MeanConfidence(words), Words: words,
		Start: words[0].Start, End: words[len(words)-1].End,
	})
}

func (r *recognizer) final() {
	m := &r.msg
	end := r.At(m.end)
	if m.end > 0 && end <= r.Final {
		return // a replay repeating audio already finalized
	}
	r.Final = max(r.Final, end)
	words := r.wordsOf(m.results)
	if len(words) == 0 {
		return
	}
	if !r.sinceEnd {
		r.uttStart = words[0].Start
	}
	r.sinceEnd = true
	if r.owesEnd {
		r.utterance = append(r.utterance, words...)
	}
	r.emitted = max(r.emitted, words[len(words)-1].End)
	r.lastText = ""
	r.Emit(&voice.Transcript{
		Text: sttsocket.JoinWords(words), Confidence: sttsocket.MeanConfidence(words), Words: words,
		Final: true, Start: words[0].Start, End: words[len(words)-1].End,
	})
}

func (r *recognizer) endOfUtterance() {
	if !r.sinceEnd {
		return // nothing since the last end, or a replay repeating one
	}
	r.Emit(&voice.Transcript{Final: true, SpeechFinal: true, Start: r.emitted, End: r.emitted})
	r.Emit(&voice.EndOfTurn{Text: sttsocket.JoinWords(r.utterance), Confidence: sttsocket.MeanConfidence(r.utterance)})
	r.utterance, r.sinceEnd = r.utterance[:0], false
	r.starts.TurnEnded()
}

// wordsOf converts results to words, attaching punctuation to the word
// before it, and dropping words already emitted (a replay repeating them)
// with their punctuation. Words heard may start speech.
func (r *recognizer) wordsOf(rs []result) []voice.Word {
	var out []voice.Word
	kept := false // the last word was kept
	for _, res := range rs {
		if res.punctuation {
			if r.punctuate && kept && (res.attachesTo == attachPrevious || res.attachesTo == attachBoth) {
				out[len(out)-1].Text += string(res.content)
			}
			continue
		}
		start, end := r.At(res.start), r.At(res.end)
		end = max(end, start) // times out of order are the service's mistake
		if kept = len(res.content) > 0 && !(res.end > 0 && end <= r.emitted); !kept {
			continue
		}
		r.starts.Heard(&r.Timeline, start, end)
		out = append(out, voice.Word{Text: string(res.content), Start: start, End: end, Confidence: res.confidence})
	}
	return out
}
