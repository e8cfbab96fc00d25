package turn

import (
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// fillerKind is what kind of turn the caller took, for the filler that
// bridges a late reply to it.
type fillerKind uint8

const (
	fillerNeutral fillerKind = iota
	fillerPositive
	fillerNegative
	fillerQuestion
)

var fillerKindNames = [...]string{"neutral", "positive", "negative", "question"}

func (k fillerKind) String() string { return fillerKindNames[k] }

// builtinFillers are said when filler_settings gives no phrases of a kind.
var builtinFillers = map[fillerKind][]string{
	fillerNeutral:  {"Okay, one moment.", "Alright, let me see.", "Just a second."},
	fillerPositive: {"Great, one moment.", "Perfect, let me check.", "Wonderful, just a second."},
	fillerNegative: {"I'm sorry to hear that, one moment.", "I understand, let me look into it.", "Let me see what I can do."},
	fillerQuestion: {"Good question, let me check.", "Let me find that out for you.", "One moment, let me look."},
}

// fillerPhrases resolves the configured phrases, kind by kind.
func fillerPhrases(f assistant.FillerSettings) map[fillerKind][]string {
	out := map[fillerKind][]string{}
	for k, own := range map[fillerKind][]string{fillerNeutral: f.Neutral, fillerPositive: f.Positive,
		fillerNegative: f.Negative, fillerQuestion: f.Question} {
		if len(own) > 0 {
			out[k] = own
		} else {
			out[k] = builtinFillers[k]
		}
	}
	return out
}

var (
	questionOpeners = map[string]bool{"what": true, "when": true, "where": true, "who": true, "why": true, "how": true,
		"which": true, "whose": true, "whom": true}
	negativeWords = map[string]bool{"no": true, "not": true, "never": true, "problem": true, "wrong": true, "broken": true,
		"bad": true, "complaint": true, "cancel": true, "angry": true, "unhappy": true, "disappointed": true, "late": true,
		"missing": true, "error": true, "issue": true, "can't": true, "cannot": true, "doesn't": true, "didn't": true,
		"won't": true, "isn't": true, "refund": true}
	positiveWords = map[string]bool{"thanks": true, "thank": true, "great": true, "perfect": true, "good": true,
		"love": true, "excellent": true, "wonderful": true, "awesome": true, "yes": true, "happy": true, "nice": true}
)

// classifyTurn tells what kind of turn text is, in microseconds: a question
// (a question mark, a question word or an auxiliary first), negative,
// positive, or neutral.
func classifyTurn(text string) fillerKind {
	w := normWords(text)
	if len(w) == 0 {
		return fillerNeutral
	}
	if strings.HasSuffix(strings.TrimSpace(text), "?") || questionOpeners[w[0]] || yesNoOpeners[w[0]] {
		return fillerQuestion
	}
	neg, pos := 0, 0
	for _, x := range w {
		switch {
		case negativeWords[x]:
			neg++
		case positiveWords[x]:
			pos++
		}
	}
	switch {
	case neg > 0 && neg >= pos:
		return fillerNegative
	case pos > 0:
		return fillerPositive
	}
	return fillerNeutral
}

// fillers bridge a reply that is slow to start: once it has kept the
// caller waiting for filler_settings.after_ms, a short phrase of the right
// kind plays, and gives way to the reply the moment its audio is ready.
// Never two turns in a row; never in the history.
type fillers struct {
	due         time.Time  // request a filler then, if the reply still has no audio
	kind        fillerKind // of the turn waiting
	reply       ReplyID    // the reply it bridges
	lastPlanned TurnNumber // the last caller turn a filler was planned for
	lastPlayed  TurnNumber // the last caller turn a filler played for
	requested   string     // the phrase awaiting its audio
	said        int
	track       *track // playing, while the reply is Thinking
}

// planFiller arms the filler for reply r to the caller's text.
func (m *Machine) planFiller(now time.Time, r *reply, text string) {
	f := &m.fill
	f.due, f.requested = time.Time{}, ""
	previousHadOne := f.lastPlanned != 0 && f.lastPlayed == f.lastPlanned
	f.lastPlanned = r.turn
	if m.set.FillerAfter == 0 || previousHadOne {
		return
	}
	f.due, f.kind, f.reply = now.Add(m.set.FillerAfter), classifyTurn(text), r.id
}

// requestFiller asks for the filler's audio if the reply is still silent.
func (m *Machine) requestFiller(now time.Time) {
	f, r := &m.fill, m.reply
	if r == nil || r.id != f.reply || m.assistant != Thinking || r.track.hasFrame() {
		return
	}
	phrases := m.set.FillerPhrases[f.kind]
	if len(phrases) == 0 {
		return
	}
	f.requested = phrases[f.said%len(phrases)]
	f.said++
	m.port.ShortPhrase(f.requested)
}

// fillerAudio plays a filler's audio, if the reply is still silent.
func (m *Machine) fillerAudio(now time.Time, phrase string, audio []byte) bool {
	f, r := &m.fill, m.reply
	if phrase != f.requested {
		return false
	}
	f.requested = ""
	if r == nil || r.id != f.reply || m.assistant != Thinking || r.track.hasFrame() {
		return true
	}
	t := newTrack("f"+strconv.Itoa(f.said), m.fmt)
	t.add(audio, nil)
	t.done = true
	f.track, f.lastPlayed = t, r.turn
	m.port.Publish(events.Filler{Phrase: phrase, TurnKind: f.kind.String()})
	return true
}

// fillerFrame is the next frame of a playing filler, or nil once the reply
// has audio: the filler then ends on one frame faded to silence, so the
// reply follows without a click.
func (m *Machine) fillerFrame(now time.Time) (frame []byte, mark string, ok bool) {
	f := &m.fill
	t := f.track
	if t == nil {
		return nil, "", false
	}
	if m.reply.track.hasFrame() {
		f.track = nil
		if frame, _, ok = t.next(now); ok {
			return fadeOut(frame, m.fmt), "", true
		}
		return nil, "", false
	}
	if frame, mark, ok = t.next(now); !ok {
		f.track = nil // played; the reply is still not ready
	}
	return frame, mark, ok
}

// stopFiller silences a filler: the caller spoke, or the reply ended.
func (m *Machine) stopFiller() {
	f := &m.fill
	f.due, f.requested = time.Time{}, ""
	if t := f.track; t != nil {
		f.track = nil
		if t.sent > 0 {
			t.cleared = true
			m.port.ClearAudio()
		}
	}
}

// fadeOut ramps a frame down to silence.
func fadeOut(frame []byte, f voice.Format) []byte {
	var pcm []int16
	switch f.Encoding {
	case voice.ULaw:
		pcm = codecs.DecodeUlaw(nil, frame)
	case voice.ALaw:
		pcm = codecs.DecodeAlaw(nil, frame)
	default:
		pcm, _ = codecs.DecodePCM16LE(nil, frame[:len(frame)&^1])
	}
	for i := range pcm {
		pcm[i] = int16(int(pcm[i]) * (len(pcm) - i) / len(pcm))
	}
	switch f.Encoding {
	case voice.ULaw:
		return codecs.EncodeUlaw(frame[:0], pcm)
	case voice.ALaw:
		return codecs.EncodeAlaw(frame[:0], pcm)
	}
	return codecs.EncodePCM16LE(frame[:0], pcm)
}

// ShortPhrases lists the short phrases a call on s may ask the port for
// (Port.ShortPhrase): its acknowledgements and fillers, so that the port
// can have them ready.
func ShortPhrases(s Settings) []string {
	var out []string
	if s.BackchannelInterval > 0 {
		out = append(out, ackLines...)
	}
	if s.FillerAfter > 0 {
		for k := range fillerKindNames {
			out = append(out, s.FillerPhrases[fillerKind(k)]...)
		}
	}
	return out
}
