package deepgramfake

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
)

// word is a word being or having been heard, in audio time.
type word struct {
	text       string
	conf       float64
	start, end time.Duration
	capital    bool // first word of an utterance (punctuation)
	filler     bool // heard from noise
}

// listener is the v1 recognizer of one connection. It decides everything
// on audio time: now is the end of the last frame processed.
type listener struct {
	cfg    *Config
	p      listenParams
	c      *conn
	frames *sttfake.Framer
	sum    hash.Hash

	now      time.Duration
	segStart time.Duration // start of the segment not yet finalized
	seg      []word        // completed words of that segment
	cur      *word         // word being spoken
	silence  time.Duration // current run of silence
	vad      bool          // speech announced and not yet reset by silence
	// endpointing: words heard since the last speech_final
	pendingEndpoint bool
	// UtteranceEnd: words heard since the last one, and when the last ended
	utterance   bool
	lastWordEnd time.Duration
	nextCapital bool
	lastInterim time.Duration
}

func newListener(cfg *Config, p listenParams, c *conn) *listener {
	return &listener{cfg: cfg, p: p, c: c, frames: p.audioParams.framer(), sum: sha256.New(), nextCapital: true}
}

func (l *listener) Open() {}

func (l *listener) Audio(b []byte) {
	l.sum.Write(b)
	l.frames.Feed(b, l.frame)
	audio := l.frames.Duration()
	l.c.record(func(s *Session) { s.Audio = audio })
}

func (l *listener) Text(b []byte) {
	ctl, err := parseControl(b)
	if err != nil {
		l.c.CloseWith(websocket.ClosePolicyViolation, "Invalid control message: "+err.Error())
		return
	}
	switch ctl.Type {
	case "KeepAlive":
		l.c.record(func(s *Session) { s.KeepAlives++ })
	case "Finalize":
		l.c.record(func(s *Session) { s.Finalizes++ })
		l.endWord()
		l.final(false, true)
	case "CloseStream":
		l.c.record(func(s *Session) { s.CloseStreams++ })
		l.endWord()
		if len(l.seg) > 0 || l.now > l.segStart {
			l.final(false, false)
		}
		l.c.Send(metadataMsg{
			Type: "Metadata", TransactionKey: "deprecated", RequestID: l.c.id,
			SHA256: hex.EncodeToString(l.sum.Sum(nil)), Created: l.cfg.Clock.Now().UTC().Format(time.RFC3339Nano),
			Duration: l.now.Seconds(), Channels: 1,
		})

		l.c.CloseWith(websocket.CloseNormalClosure, "")
	default:
		l.c.CloseWith(websocket.ClosePolicyViolation, "Unknown control message type "+ctl.Type)
	}
}

// frame advances audio time by one frame.
func (l *listener) frame(h sttfake.Heard) {
	t := l.now
	l.now += sttfake.FrameDuration
	switch {
	case h.Kind == fakespeech.KindWord:
		l.endWord()
		l.startWord(h.Word, h.Conf, t, false)
		l.sound(t)
	case h.Kind == fakespeech.KindSpeech && l.cur != nil && !l.cur.filler:
		l.cur.end = l.now
		l.sound(t)
	case h.Loud: // noise, a continuation without its word, or unmarked audio
		switch {
		case l.cfg.NoiseWord == "":
			l.endWord()
		case l.cur != nil && l.cur.filler:
			l.cur.end = l.now
		default:
			l.endWord()
			l.startWord(l.cfg.NoiseWord, l.cfg.NoiseConfidence, t, true)
		}
		l.sound(t)
	default:
		l.quiet()
	}
	if l.p.interim && l.cur != nil && l.now-l.lastInterim >= l.cfg.InterimInterval {
		l.interim()
	}
}

func (l *listener) startWord(text string, conf float64, at time.Duration, filler bool) {
	l.cur = &word{text: text, conf: conf, start: at, end: at + sttfake.FrameDuration, capital: l.nextCapital, filler: filler}
	l.nextCapital = false
}

// endWord completes the word being spoken, if any.
func (l *listener) endWord() bool {
	if l.cur == nil {
		return false
	}
	l.cur.end = min(l.cur.end, l.now)
	l.seg = append(l.seg, *l.cur)
	l.lastWordEnd = l.cur.end
	l.cur = nil
	l.pendingEndpoint, l.utterance = true, true
	return true
}

// sound is a non-silent frame starting at t.
func (l *listener) sound(t time.Duration) {
	l.silence = 0
	if !l.vad {
		l.vad = true
		if l.p.vadEvents {
			l.c.Send(speechStartedMsg{Type: "SpeechStarted", Channel: []int{0}, Timestamp: t.Seconds()})
		}
	}
}

// quiet is a silent frame: words end, endpoints and utterance ends come.
func (l *listener) quiet() {
	l.silence += sttfake.FrameDuration
	if l.endWord() && l.p.interim {
		l.interim()
	}
	if l.vad && l.silence >= l.cfg.VADReset {
		l.vad = false
	}
	if l.p.endpointing > 0 && l.pendingEndpoint && l.silence >= l.p.endpointing {
		l.final(true, false)
	}
	if l.p.utteranceEnd > 0 && l.utterance && l.now-l.lastWordEnd >= l.p.utteranceEnd {
		l.utterance = false
		l.c.Send(utteranceEndMsg{Type: "UtteranceEnd", Channel: []int{0, 1}, LastWordEnd: l.lastWordEnd.Seconds()})
	}
	if l.now-l.segStart >= l.cfg.MaxSegment {
		l.final(false, false)
	}
}

func (l *listener) interim() {
	ws := l.seg
	if l.cur != nil {
		w := *l.cur
		w.end = l.now
		ws = append(ws[:len(ws):len(ws)], w)
	}
	l.lastInterim = l.now
	l.c.Send(l.results(ws, false, false, false))
}

// final finalizes the segment up to now.
func (l *listener) final(speechFinal, fromFinalize bool) {
	l.c.Send(l.results(l.seg, true, speechFinal, fromFinalize))
	l.segStart, l.seg, l.lastInterim = l.now, nil, l.now
	if speechFinal {
		l.pendingEndpoint, l.nextCapital = false, true
	}
}

func (l *listener) results(ws []word, final, speechFinal, fromFinalize bool) resultsMsg {
	punctuate := l.p.punctuate || l.p.smart
	alt := alternative{Words: make([]wordJSON, 0, len(ws))}
	texts := make([]string, 0, len(ws))
	for i, w := range ws {
		j := wordJSON{Word: strings.ToLower(w.text), Start: w.start.Seconds(), End: w.end.Seconds(), Confidence: w.conf}
		text := j.Word
		if punctuate {
			text = w.text
			if w.capital {
				text = capitalize(text)
			}
			if speechFinal && i == len(ws)-1 {
				text += "."
			}
			j.PunctuatedWord = text
		}
		if l.p.diarize {
			j.Speaker = new(int)
		}
		alt.Words = append(alt.Words, j)
		texts = append(texts, text)
		alt.Confidence += w.conf
	}
	if len(ws) > 0 {
		alt.Confidence /= float64(len(ws))
	}
	alt.Transcript = strings.Join(texts, " ")
	m := resultsMsg{
		Type: "Results", ChannelIndex: []int{0, 1},
		Start: l.segStart.Seconds(), Duration: (l.now - l.segStart).Seconds(),
		IsFinal: final, SpeechFinal: speechFinal, FromFinalize: fromFinalize,
		Channel: resultsChannel{Alternatives: []alternative{alt}},
		Metadata: resultsMetadata{
			RequestID: l.c.id,
			ModelInfo: modelInfo{Name: l.p.model, Version: "deepgramfake", Arch: l.p.model},
			ModelUUID: "00000000-0000-4000-8000-00000000fa4e",
		},
	}
	if l.p.entities && final {
		m.Entities = &[]struct{}{}
	}
	return m
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
