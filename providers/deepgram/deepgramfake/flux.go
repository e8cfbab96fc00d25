package deepgramfake

import (
	"math"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
)

// fluxUpdateInterval is how often Flux reports a turn's progress.
const fluxUpdateInterval = 250 * time.Millisecond

// fluxTurns is the Flux recognizer of one connection, a state machine over
// audio time (see Deepgram's "Flux state" page):
//
//	idle ──word──▶ in turn (StartOfTurn)
//	in turn ──silence ≥ eager point──▶ eager (EagerEndOfTurn)
//	eager ──word──▶ in turn (TurnResumed)
//	in turn or eager ──silence ≥ EOT point, eot_timeout or ForceEndTurn──▶ idle (EndOfTurn, turn_index+1)
//
// An Update goes out every 0.25 s of audio in which nothing else did.
type fluxTurns struct {
	cfg    *Config
	p      fluxParams
	c      *conn
	frames *sttfake.Framer

	seq         int // sequence_id of the next message
	now         time.Duration
	turn        int
	inTurn      bool
	eager       bool
	words       []word // the turn's completed words
	cur         *word
	lastWordEnd time.Duration
	windowStart time.Duration
	nextUpdate  time.Duration
	sent        bool // a TurnInfo went out for the current frame
}

func newFluxTurns(cfg *Config, p fluxParams, c *conn) *fluxTurns {
	return &fluxTurns{cfg: cfg, p: p, c: c, frames: p.audioParams.framer(), nextUpdate: fluxUpdateInterval}
}

func (f *fluxTurns) Open() {
	f.c.Send(connectedMsg{Type: "Connected", RequestID: f.c.id, SequenceID: f.next()})
}

func (f *fluxTurns) next() int {
	f.seq++
	return f.seq - 1
}

func (f *fluxTurns) Audio(b []byte) {
	f.frames.Feed(b, f.frame)
	audio := f.frames.Duration()
	f.c.record(func(s *Session) { s.Audio = audio })
}

func (f *fluxTurns) Text(b []byte) {
	ctl, err := parseControl(b)
	if err != nil {
		f.fatal("UNPARSABLE_CLIENT_MESSAGE", err.Error())
		return
	}
	switch ctl.Type {
	case "CloseStream":
		f.c.record(func(s *Session) { s.CloseStreams++ })
		f.turnInfo("Update", "")
		f.c.CloseWith(0, "")
	case "ForceEndTurn":
		f.c.record(func(s *Session) { s.ForceEndTurns++ })
		if f.inTurn {
			f.endWord()
			f.endOfTurn("manual")
		}
	case "Configure":
		f.c.record(func(s *Session) { s.Configures++ })
		f.configure(ctl)
	case "KeepAlive":
		// not in Flux's spec; accepted leniently, as it only keeps the
		// connection alive
		f.c.record(func(s *Session) { s.KeepAlives++ })
	default:
		f.fatal("UNPARSABLE_CLIENT_MESSAGE", "unknown message type "+ctl.Type)
	}
}

// fatal sends Flux's Error message and closes. The codes for client
// mistakes are not documented; this one is the fake's [unverified].
func (f *fluxTurns) fatal(code, desc string) {
	f.c.Send(fluxErrorMsg{Type: "Error", SequenceID: f.next(), Code: code, Description: desc})
	f.c.CloseWith(1008, desc)
}

func (f *fluxTurns) configure(ctl control) {
	t := f.p.thresholds
	if th := ctl.Thresholds; th != nil {
		if th.EOT != nil {
			t.eot = float64(*th.EOT)
		}
		if th.Eager != nil {
			t.eager = float64(*th.Eager)
		}
		if th.Timeout != nil {
			t.timeout = time.Duration(*th.Timeout) * time.Millisecond
		}
	}
	bad := t.check() != nil || checkKeyterms(ctl.Keyterms) != nil ||
		(ctl.LanguageHints != nil && f.p.model != "flux-general-multi")
	if bad {
		f.c.Send(configureFailureMsg{Type: "ConfigureFailure", RequestID: f.c.id, SequenceID: f.next()})
		return
	}
	f.p.thresholds = t
	if ctl.Keyterms != nil {
		f.p.keyterms = ctl.Keyterms
	}
	if ctl.LanguageHints != nil {
		f.p.hints = *ctl.LanguageHints
	}
	m := configureSuccessMsg{
		Type: "ConfigureSuccess", RequestID: f.c.id, SequenceID: f.next(),
		Thresholds: thresholdsJSON{EOTThreshold: t.eot, EOTTimeoutMS: int(t.timeout / time.Millisecond)},
		Keyterms:   append([]string{}, f.p.keyterms...), LanguageHints: f.p.hints,
	}
	if t.eager > 0 {
		m.Thresholds.EagerEOTThreshold = &t.eager
	}
	f.c.Send(m)
}

func (f *fluxTurns) frame(h sttfake.Heard) {
	t := f.now
	f.now += sttfake.FrameDuration
	f.sent = false
	switch {
	case h.Kind == fakespeech.KindWord:
		f.word(h.Word, h.Conf, t, false)
	case h.Kind == fakespeech.KindSpeech && f.cur != nil && !f.cur.filler:
		f.cur.end = f.now
	case h.Loud && f.cfg.NoiseWord != "":
		if f.cur != nil && f.cur.filler {
			f.cur.end = f.now
		} else {
			f.word(f.cfg.NoiseWord, f.cfg.NoiseConfidence, t, true)
		}
	default:
		// silence, or sound Flux does not hear as speech
		f.endWord()
		f.silence()
	}
	if f.now >= f.nextUpdate {
		f.nextUpdate += fluxUpdateInterval
		if !f.sent {
			f.turnInfo("Update", "")
		}
	}
}

// word starts a word at t, starting or resuming the turn.
func (f *fluxTurns) word(text string, conf float64, t time.Duration, filler bool) {
	f.endWord()
	f.cur = &word{text: text, conf: conf, start: t, end: t + sttfake.FrameDuration, filler: filler}
	switch {
	case !f.inTurn:
		f.inTurn = true
		f.turnInfo("StartOfTurn", "")
	case f.eager:
		f.eager = false
		f.turnInfo("TurnResumed", "")
	}
}

func (f *fluxTurns) endWord() {
	if f.cur == nil {
		return
	}
	f.cur.end = min(f.cur.end, f.now)
	f.words = append(f.words, *f.cur)
	f.lastWordEnd = f.cur.end
	f.cur = nil
}

// silence checks the end-of-turn points after the turn's last word.
func (f *fluxTurns) silence() {
	if !f.inTurn {
		return
	}
	quiet := f.now - f.lastWordEnd
	th := f.p.thresholds
	if th.eager > 0 && !f.eager && quiet >= f.point(th.eager) {
		f.eager = true
		f.turnInfo("EagerEndOfTurn", "")
	}
	switch {
	case quiet >= f.point(th.eot):
		f.endOfTurn("model")
	case quiet >= th.timeout:
		f.endOfTurn("timeout")
	}
}

// point is the silence at which end-of-turn confidence reaches threshold.
func (f *fluxTurns) point(threshold float64) time.Duration {
	return time.Duration(math.Round(threshold * float64(f.cfg.FluxEOTSilence)))
}

// confidence is the end-of-turn confidence after the current silence.
func (f *fluxTurns) confidence() float64 {
	if !f.inTurn || f.cur != nil {
		return 0
	}
	return min(1, float64(f.now-f.lastWordEnd)/float64(f.cfg.FluxEOTSilence))
}

func (f *fluxTurns) endOfTurn(trigger string) {
	f.turnInfo("EndOfTurn", trigger)
	f.turn++
	f.inTurn, f.eager, f.words = false, false, nil
	f.windowStart = f.now
}

func (f *fluxTurns) turnInfo(event, trigger string) {
	ws := f.words
	if f.cur != nil {
		w := *f.cur
		w.end = f.now
		ws = append(ws[:len(ws):len(ws)], w)
	}
	m := turnInfoMsg{
		Type: "TurnInfo", RequestID: f.c.id, SequenceID: f.next(), Event: event, TurnIndex: f.turn,
		AudioWindowStart: f.windowStart.Seconds(), AudioWindowEnd: f.now.Seconds(),
		Words: make([]fluxWordJSON, 0, len(ws)), EndOfTurnConfidence: f.confidence(), Trigger: trigger,
	}
	texts := make([]string, 0, len(ws))
	for _, w := range ws {
		m.Words = append(m.Words, fluxWordJSON{Word: w.text, Confidence: w.conf, Start: w.start.Seconds(), End: w.end.Seconds()})
		texts = append(texts, w.text)
	}
	m.Transcript = strings.Join(texts, " ")
	if f.p.model == "flux-general-multi" {
		m.Languages = []string{"en"}
		m.LanguagesHinted = f.p.hints
	}
	f.sent = true
	f.c.Send(m)
}
