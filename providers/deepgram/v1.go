package deepgram

import (
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// v1Recognizer maps /v1/listen messages:
//   - Results with is_final false → Transcript{Final: false}
//   - Results with is_final true → Transcript{Final: true, SpeechFinal:
//     speech_final}; empty finals only move the finalized point, unless they
//     carry speech_final, which the engine needs as an endpoint
//   - UtteranceEnd → EndOfTurn (no text: v1 does not know the turn's)
//   - SpeechStarted → SpeechStarted
//   - Metadata → the end of a closed stream
//
// Across a reconnection it drops finals and words inside audio already
// finalized, UtteranceEnds already reported, and the speech start of speech
// already under way. The service owes an endpoint (speech_final) and, with
// utterance_end_ms, an UtteranceEnd after the words it finalizes; a new
// connection can only give them if it hears those words again, so while
// one is owed the replay starts at the last final that carried words, whose
// repeat is then dropped.
type v1Recognizer struct {
	timeline
	msg      v1Message
	inSpeech bool // a speech start has not been followed by an endpoint
	// last UtteranceEnd reported, to drop a repeat
	utteranceEnd   time.Duration
	utteranceEnded bool
	// what the service owes for the last final with words, which began at
	// lastWords
	owesEndpoint, owesUtteranceEnd bool
	lastWords                      time.Duration
	utteranceEnds                  bool // UtteranceEnd was asked for
}

var finalizeV1 = []byte(`{"type":"Finalize"}`)

func newV1(emit func(voice.STTEvent), utteranceEnds bool) *v1Recognizer {
	return &v1Recognizer{timeline: timeline{Timeline: sttsocket.Timeline{Emit: emit}}, utteranceEnds: utteranceEnds}
}

func (r *v1Recognizer) ReplayFrom() time.Duration {
	if r.owesEndpoint || r.owesUtteranceEnd {
		return min(r.Final, r.lastWords)
	}
	return r.Final
}

func (*v1Recognizer) finalizeMessage() []byte { return finalizeV1 }
func (*v1Recognizer) keepsAlive() bool        { return true }

func (r *v1Recognizer) Dropped() { r.SuppressStart = r.inSpeech }

func (r *v1Recognizer) Handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(&r.dec, data); err != nil {
		return false, err
	}
	switch m.typ {
	case msgResults:
		r.results()
	case msgSpeechStarted:
		r.inSpeech = true
		r.SpeechStarted(r.At(m.timestamp))
	case msgUtteranceEnd:
		end := r.At(m.lastWordEnd)
		if r.utteranceEnded && end <= r.utteranceEnd {
			return false, nil
		}
		r.utteranceEnd, r.utteranceEnded = end, true
		r.inSpeech, r.owesUtteranceEnd = false, false
		r.Emit(&voice.EndOfTurn{})
	case msgMetadata:
		return true, nil
	case msgError:
		return false, &ServerError{Provider: "deepgram", Code: m.errCode, Description: m.description}
	}
	return false, nil
}

func (r *v1Recognizer) results() {
	m := &r.msg
	// a replay's results start inside audio already finalized: they are
	// reported from where the last final ended
	start, end := max(r.At(m.start), r.Final), r.At(m.start+max(m.duration, 0))
	if m.isFinal && m.duration > 0 && end <= r.Final {
		return // a repeat of finalized audio
	}
	words, trimmed := r.words(m.words)
	text := m.transcript
	if trimmed {
		text = sttsocket.JoinWords(words)
	}
	if !m.isFinal {
		if text != "" {
			r.Emit(&voice.Transcript{Text: text, Confidence: m.confidence, Words: words, Start: start, End: end})
		}
		return
	}
	r.Final = max(r.Final, end)
	if text != "" {
		r.lastWords, r.owesEndpoint, r.owesUtteranceEnd = start, true, r.utteranceEnds
	}
	if m.speechFinal {
		r.inSpeech, r.owesEndpoint = false, false
	}
	if text == "" && !m.speechFinal {
		return
	}
	r.Emit(&voice.Transcript{
		Text: text, Confidence: m.confidence, Words: words,
		Final: true, SpeechFinal: m.speechFinal, Start: start, End: end,
	})

}
