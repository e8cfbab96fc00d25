package deepgram

import (
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
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
	return &fluxRecognizer{timeline: timeline{Timeline: sttsocket.Timeline{Emit: emit}}}
}

func (*fluxRecognizer) finalizeMessage() []byte { return finalizeFlux }

// replayFrom is the end of the last turn: a turn under way replays whole.
func (r *fluxRecognizer) ReplayFrom() time.Duration { return r.Final }

// keepsAlive is false: Flux documents no KeepAlive message, and the engine
// streams audio (silence included) all call long.
func (*fluxRecognizer) keepsAlive() bool { return false }

func (r *fluxRecognizer) Dropped() {
	if r.eager {
		r.eager = false
		r.Emit(&voice.TurnResumed{})
	}
	r.SuppressStart = r.inTurn
	r.inTurn, r.lastInterim = false, ""
}

func (r *fluxRecognizer) Handle(data []byte) (bool, error) {
	m := &r.msg
	if err := m.parse(&r.dec, data); err != nil {
		return false, err
	}
	switch m.typ {
	case msgTurnInfo:
		r.turnInfo()
	case msgError:
		return false, &ServerError{Provider: "deepgram", Code: m.errCode, Description: m.description}
	}
	return false, nil
}

func (r *fluxRecognizer) turnInfo() {
	m := &r.msg
	switch m.event {
	case eventStartOfTurn:
		at := r.At(m.windowStart)
		if len(m.words) > 0 {
			at = r.At(m.words[0].start)
		}
		r.inTurn, r.lastInterim = true, ""
		r.SpeechStarted(at)
		r.interim()
	case eventUpdate:
		switch {
		case r.inTurn:
			r.interim()
		case m.transcript == "":
			// idle: audio well before the window's end holds no turn
			r.Final = max(r.Final, r.At(m.windowEnd)-fluxIdleMargin)
		}
	case eventEagerEndOfTurn:
		r.eager = true
		r.Emit(&voice.EagerEndOfTurn{Text: m.transcript, Confidence: m.eotConfidence})
	case eventTurnResumed:
		if r.eager {
			r.eager = false
			r.Emit(&voice.TurnResumed{})
		}
	case eventEndOfTurn:
		end := r.At(m.windowEnd)
		if m.windowEnd > 0 && end <= r.Final {
			return // a repeat of a turn already ended
		}
		words, trimmed := r.words(m.words)
		text := m.transcript
		if trimmed {
			text = sttsocket.JoinWords(words)
		}
		r.Final = max(r.Final, end)
		r.inTurn, r.eager, r.lastInterim = false, false, ""
		if text != "" {
			r.Emit(&voice.Transcript{
				Text: text, Confidence: sttsocket.MeanConfidence(words), Words: words,
				Final: true, SpeechFinal: true, Start: r.At(m.windowStart), End: end,
			})

		}
		r.Emit(&voice.EndOfTurn{Text: text, Confidence: m.eotConfidence})
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
	r.Emit(&voice.Transcript{
		Text: m.transcript, Confidence: sttsocket.MeanConfidence(words), Words: words,
		Start: r.At(m.windowStart), End: r.At(m.windowEnd),
	})

}
