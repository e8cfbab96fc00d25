package deepgram

import (
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// fluxIdleMargin is how much audio before an idle Update's window end is
// still replayed after a drop: Flux may not have reported a turn that
// began just before it.
const fluxIdleMargin = time.Second

// fluxRecognizer maps /v2/listen TurnInfo events:
//   - StartOfTurn → SpeechStarted, plus an interim Transcript if it has text
//   - Update → an interim Transcript when the turn's text changed
//   - EagerEndOfTurn → EagerEndOfTurn
//   - TurnResumed → TurnResumed
//   - EndOfTurn → a final Transcript (SpeechFinal) and EndOfTurn
//
// A drop while an EagerEndOfTurn is pending emits TurnResumed: the new
// connection decides the turn afresh. Flux has no finals before
// EndOfTurn, so a turn under way is replayed whole.
type fluxRecognizer struct {
	timeline
	msg         fluxMessage
	inTurn      bool
	eager       bool   // an EagerEndOfTurn awaits EndOfTurn or TurnResumed
	lastInterim string // text of the last interim, to skip repeats
}

var finalizeFlux = []byte(`{"type":"ForceEndTurn"}`)

func newFlux(emit func(voice.STTEvent)) *fluxRecognizer {
	return &fluxRecognizer{timeline: timeline{emit: emit}}
}

func (*fluxRecognizer) finalizeMessage() []byte { return finalizeFlux }

// replayFrom is the end of the last turn: a turn under way replays whole.
func (r *fluxRecognizer) replayFrom() time.Duration { return r.final }

// keepsAlive is false: Flux documents no KeepAlive message, and the engine
// streams audio (silence included) all call long.
func (*fluxRecognizer) keepsAlive() bool { return false }

func (r *fluxRecognizer) dropped() {
	if r.eager {
		r.eager = false
		r.emit(&voice.TurnResumed{})
	}
	r.suppressStart = r.inTurn
	r.inTurn, r.lastInterim = false, ""
}

func (r *fluxRecognizer) handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(&r.dec, data); err != nil {
		return false, err
	}
	switch m.typ {
	case msgTurnInfo:
		r.turnInfo()
	case msgError:
		return false, &ServerError{Code: m.errCode, Description: m.description}
	}
	return false, nil
}

func (r *fluxRecognizer) turnInfo() {
	m := &r.msg
	switch m.event {
	case eventStartOfTurn:
		at := r.at(m.windowStart)
		if len(m.words) > 0 {
			at = r.at(m.words[0].start)
		}
		r.inTurn, r.lastInterim = true, ""
		r.speechStarted(at)
		r.interim()
	case eventUpdate:
		switch {
		case r.inTurn:
			r.interim()
		case m.transcript == "":
			// idle: audio well before the window's end holds no turn
			r.final = max(r.final, r.at(m.windowEnd)-fluxIdleMargin)
		}
	case eventEagerEndOfTurn:
		r.eager = true
		r.emit(&voice.EagerEndOfTurn{Text: m.transcript, Confidence: m.eotConfidence})
	case eventTurnResumed:
		if r.eager {
			r.eager = false
			r.emit(&voice.TurnResumed{})
		}
	case eventEndOfTurn:
		end := r.at(m.windowEnd)
		if m.windowEnd > 0 && end <= r.final {
			return // a repeat of a turn already ended
		}
		words, trimmed := r.words(m.words)
		text := m.transcript
		if trimmed {
			text = joinWords(words)
		}
		r.final = max(r.final, end)
		r.inTurn, r.eager, r.lastInterim = false, false, ""
		if text != "" {
			r.emit(&voice.Transcript{
				Text: text, Confidence: meanConfidence(words), Words: words,
				Final: true, SpeechFinal: true, Start: r.at(m.windowStart), End: end,
			})
		}
		r.emit(&voice.EndOfTurn{Text: text, Confidence: m.eotConfidence})
	}
}

// interim emits the turn so far if its text changed: Flux repeats it in an
// Update about every 0.25 s.
func (r *fluxRecognizer) interim() {
	m := &r.msg
	if m.transcript == "" || m.transcript == r.lastInterim {
		return
	}
	r.lastInterim = m.transcript
	words, _ := r.words(m.words)
	r.emit(&voice.Transcript{
		Text: m.transcript, Confidence: meanConfidence(words), Words: words,
		Start: r.at(m.windowStart), End: r.at(m.windowEnd),
	})
}

// meanConfidence stands in for a transcript confidence, which Flux does not
// report.
func meanConfidence(ws []voice.Word) float64 {
	if len(ws) == 0 {
		return 0
	}
	var sum float64
	for _, w := range ws {
		sum += w.Confidence
	}
	return sum / float64(len(ws))
}
