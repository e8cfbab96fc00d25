package turn

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// sim runs a Machine in virtual time against scripted providers and a
// modelled carrier. It implements Port: reactions to the machine's actions
// are scheduled as future inputs, as a mailbox would deliver them. Its
// outbound clock pulls frames from the machine as the call actor's does.
type sim struct {
	t     *testing.T
	m     *Machine
	now   time.Time
	start time.Time
	seq   int
	queue []scheduled

	// scripted providers
	llm        func(msgs []voice.Message) llmReply // nil: the test feeds the model by hand
	llmDelay   time.Duration
	ttsDelay   time.Duration
	alignWords bool
	tool       func(call voice.ToolCall) (string, error)

	// observations
	log          []string
	events       []events.Event
	llmCalls     map[ReplyID][]voice.Message
	cancelled    map[ReplyID]bool // replies whose LLM or speech was cancelled
	spoken       map[ReplyID][]string
	heard        []string // words the caller heard, in order
	clears       int
	bargeIns     int // clears for a barge-in
	replyStarts  int // frames that started a reply
	hungUp       string
	transferred  string
	dtmfSent     []string
	finalizes    int
	backchannels []string
	applied      []int              // configuration versions applied
	assistants   map[int64]Settings // the organization's other assistants, for handovers

	// outbound clock and carrier model: frames play in order at real time
	pacer   *codecs.Pacer
	flowing bool // the last pull stopped for want of time, not of audio
	playing []carrierFrame

	ttsEnd    map[ReplyID]time.Time     // when a reply's synthesis has delivered its audio
	ttsOffset map[ReplyID]time.Duration // audio produced so far per reply
}

type scheduled struct {
	at  time.Time
	seq int
	fn  func()
}

type carrierFrame struct {
	at    time.Time // when it starts playing
	frame []byte
	mark  string
}

type llmReply struct {
	text  string
	calls []voice.ToolCall
}

func defaultSettings() Settings {
	c := assistant.Defaults()
	c.LLMSettings.SystemPrompt = "You are a test."
	return SettingsFrom(1, &c, 1)
}

// newSim starts a call without a disclosure.
func newSim(t *testing.T, s Settings) *sim { return startSim(t, s, CallStart{}) }

// startSim starts a call as cs says.
func startSim(t *testing.T, s Settings, cs CallStart) *sim {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	pacer, err := codecs.NewPacer(voice.FrameDuration, Lead)
	if err != nil {
		t.Fatal(err)
	}
	sm := &sim{t: t, now: start, start: start, llmDelay: 200 * time.Millisecond, ttsDelay: 100 * time.Millisecond,
		llmCalls: map[ReplyID][]voice.Message{}, cancelled: map[ReplyID]bool{}, spoken: map[ReplyID][]string{}, pacer: pacer,
		ttsEnd: map[ReplyID]time.Time{}, ttsOffset: map[ReplyID]time.Duration{}}
	sm.m = New(sm, s, voice.Telephony, start)
	sm.m.Start(start, cs)
	return sm
}

// at schedules fn at time at.
func (s *sim) at(at time.Time, fn func()) {
	s.seq++
	s.queue = append(s.queue, scheduled{at: at, seq: s.seq, fn: fn})
}

// run advances virtual time by d, running scheduled inputs, the machine's
// deadlines and the outbound clock in time order.
func (s *sim) run(d time.Duration) {
	until := s.now.Add(d)
	for {
		s.pull()
		s.playCarrier()
		var next deadline
		i := -1
		for j, q := range s.queue {
			if i < 0 || q.at.Before(s.queue[i].at) || (q.at.Equal(s.queue[i].at) && q.seq < s.queue[i].seq) {
				i = j
			}
		}
		if i >= 0 {
			next.at(s.queue[i].at)
		}
		dl, dlOK := s.m.NextDeadline()
		next.consider(dl, dlOK)
		next.consider(s.pacer.Next(), s.flowing)
		if !next.set || next.when.After(until) {
			break
		}
		s.now = maxTime(s.now, next.when)
		switch {
		case dlOK && !dl.After(next.when):
			s.m.Advance(s.now)
		case i >= 0 && !s.queue[i].at.After(next.when):
			q := s.queue[i]
			s.queue = slices.Delete(s.queue, i, i+1)
			q.fn()
		}
	}
	s.now = until
	s.pull()
	s.playCarrier()
}

// pull is the outbound clock: every frame due now goes to the carrier.
func (s *sim) pull() {
	s.flowing = false
	for s.pacer.Due(s.now) {
		f, ok := s.m.NextFrame(s.now)
		if !ok {
			return
		}
		if f.ReplyStart {
			s.replyStarts++
		}
		s.playing = append(s.playing, carrierFrame{at: s.pacer.Send(s.now), frame: f.Audio})
		if f.Mark != "" {
			s.playing = append(s.playing, carrierFrame{at: s.pacer.PlayedBy(), mark: f.Mark})
		}
	}
	s.flowing = true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// playCarrier moves frames the carrier has started playing into heard, and
// echoes marks that audio has reached.
func (s *sim) playCarrier() {
	for len(s.playing) > 0 && !s.playing[0].at.After(s.now) {
		f := s.playing[0]
		s.playing = s.playing[1:]
		if f.mark != "" {
			name, at := f.mark, f.at
			s.at(at, func() { s.m.MarkPlayed(s.now, name) })
			continue
		}
		if d := fakespeech.Decode(f.frame); d.Kind == fakespeech.KindWord {
			s.heard = append(s.heard, d.Word)
		}
	}
}

// say feeds the caller speaking words at the current time, like a
// streaming recognizer: speech started, an interim per word, then a final
// (with speech_final when end is true). It advances time over the speech.
func (s *sim) say(text string, conf float64, end bool) {
	s.sayUnfinalised(text, conf)
	s.run(80 * time.Millisecond)
	s.m.HandleSTT(s.now, &voice.Transcript{Text: text, Confidence: conf, Final: true, SpeechFinal: end, Words: wordsOf(strings.Fields(text), conf)})
}

// sayUnfinalised is say without the final: speech started and an interim
// about every 100 ms, as streaming recognizers send them.
func (s *sim) sayUnfinalised(text string, conf float64) {
	s.m.HandleSTT(s.now, &voice.SpeechStarted{})
	var sofar []string
	for _, w := range strings.Fields(text) {
		sofar = append(sofar, w)
		for left := fakespeech.WordDuration(w); left > 0; left -= 100 * time.Millisecond {
			s.run(min(left, 100*time.Millisecond))
			s.m.HandleSTT(s.now, &voice.Transcript{Text: strings.Join(sofar, " "), Confidence: conf, Words: wordsOf(sofar, conf)})
		}
	}
}

func wordsOf(ws []string, conf float64) []voice.Word {
	out := make([]voice.Word, len(ws))
	for i, w := range ws {
		out[i] = voice.Word{Text: w, Confidence: conf}
	}
	return out
}

// reply answers the model's latest request by hand.
func (s *sim) reply(id ReplyID, text string) {
	for _, w := range strings.SplitAfter(text, " ") {
		s.m.HandleLLM(s.now, id, &voice.TextDelta{Text: w})
	}
	s.m.LLMFinished(s.now, id, nil)
}

func (s *sim) lastLLM() ReplyID {
	var last ReplyID
	for id := range s.llmCalls {
		last = max(last, id)
	}
	return last
}

func (s *sim) has(kind string) []events.Event {
	var out []events.Event
	for _, e := range s.events {
		if e.Kind() == kind {
			out = append(out, e)
		}
	}
	return out
}

func (s *sim) interruptions(stage string) int {
	n := 0
	for _, e := range s.has("interruption") {
		if e.(events.Interruption).Stage == stage {
			n++
		}
	}
	return n
}

func (s *sim) heardText() string { return strings.Join(s.heard, " ") }

func (s *sim) lastMessage() voice.Message { h := s.m.History(); return h[len(h)-1] }

// Port.

func (s *sim) ClearAudio(why Silencing) {
	s.clears++
	if why == SilenceBargeIn {
		s.bargeIns++
	}
	var kept []carrierFrame
	for _, f := range s.playing {
		if f.mark != "" {
			name := f.mark
			s.at(s.now, func() { s.m.MarkPlayed(s.now, name) }) // Twilio echoes pending marks on clear
		}
	}
	s.playing = kept
	s.pacer.Clear(s.now)
}

func (s *sim) SendDTMF(d string)        { s.dtmfSent = append(s.dtmfSent, d) }
func (s *sim) HangUp(reason string)     { s.hungUp = reason; s.log = append(s.log, "hangup "+reason) }
func (s *sim) Transfer(to string)       { s.transferred = to }
func (s *sim) FinalizeSTT()             { s.finalizes++ }
func (s *sim) Publish(e events.Event)   { s.events = append(s.events, e) }
func (s *sim) ApplyConfig(set Settings) { s.applied = append(s.applied, set.Version) }

// HandOver loads another assistant's settings after a moment, as the call
// actor does from the registry.
func (s *sim) HandOver(id int64) {
	s.at(s.now.Add(30*time.Millisecond), func() {
		if set, ok := s.assistants[id]; ok {
			s.m.ChangeConfig(s.now, set)
			return
		}
		s.m.HandoverFailed(s.now, "no such assistant")
	})
}

func (s *sim) StartLLM(id ReplyID, msgs []voice.Message) {
	s.llmCalls[id] = msgs
	s.log = append(s.log, fmt.Sprintf("llm %d", id))
	if s.llm == nil {
		return
	}
	r := s.llm(msgs)
	at := s.now.Add(s.llmDelay)
	for _, w := range strings.SplitAfter(r.text, " ") {
		if w == "" {
			continue
		}
		s.at(at, func() {
			if !s.cancelled[id] {
				s.m.HandleLLM(s.now, id, &voice.TextDelta{Text: w})
			}
		})
		at = at.Add(25 * time.Millisecond) // 40 tokens/s
	}
	for _, c := range r.calls {
		s.at(at, func() {
			if !s.cancelled[id] {
				s.m.HandleLLM(s.now, id, &voice.ToolCallEvent{Call: c})
			}
		})
	}
	s.at(at, func() {
		if !s.cancelled[id] {
			s.m.LLMFinished(s.now, id, nil)
		}
	})
}

func (s *sim) CancelLLM(id ReplyID) {
	s.cancelled[id] = true
	s.log = append(s.log, fmt.Sprintf("cancel-llm %d", id))
}

func (s *sim) OpenSpeech(id ReplyID) {}

// Speak synthesises text as fakespeech audio, delivered after ttsDelay at
// real-time rate in 100 ms chunks.
func (s *sim) Speak(id ReplyID, text string) {
	s.spoken[id] = append(s.spoken[id], text)
	frames := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})
	frames = append(frames, fakespeech.Silence(100*time.Millisecond)...) // a pause between chunks
	at := maxTime(s.now.Add(s.ttsDelay), s.ttsFree(id))
	offset := s.ttsOffset[id]
	for i := 0; i < len(frames); i += 5 {
		var audio []byte
		var words []voice.Word
		for j, f := range frames[i:min(i+5, len(frames))] {
			audio = append(audio, f...)
			if d := fakespeech.Decode(f); s.alignWords && d.Kind == fakespeech.KindWord {
				st := offset + time.Duration(i+j)*voice.FrameDuration
				words = append(words, voice.Word{Text: d.Word, Start: st, End: st + fakespeech.WordDuration(d.Word)})
			}
		}
		s.at(at, func() {
			if !s.cancelled[id] {
				s.m.HandleTTS(s.now, id, &voice.TTSAudio{Audio: audio, Words: words})
			}
		})
		at = at.Add(time.Duration(len(audio)/160) * voice.FrameDuration / 2) // synthesised at 2x real time
	}
	s.ttsOffset[id] = offset + time.Duration(len(frames))*voice.FrameDuration
	s.ttsEnd[id] = at
}

func (s *sim) ttsFree(id ReplyID) time.Time { return s.ttsEnd[id] }

func (s *sim) EndSpeech(id ReplyID) {
	at := maxTime(s.now.Add(s.ttsDelay), s.ttsFree(id))
	s.at(at, func() {
		if !s.cancelled[id] {
			s.m.HandleTTS(s.now, id, &voice.TTSDone{})
		}
	})
}

func (s *sim) CancelSpeech(id ReplyID) {
	s.cancelled[id] = true
	s.log = append(s.log, fmt.Sprintf("cancel-speech %d", id))
}

func (s *sim) ShortPhrase(phrase string) {
	s.backchannels = append(s.backchannels, phrase)
	audio := slices.Concat(fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(phrase)})...)
	s.at(s.now.Add(s.ttsDelay), func() { s.m.ShortPhraseAudio(s.now, phrase, audio) })
}

func (s *sim) RunTool(id ReplyID, call voice.ToolCall) {
	s.log = append(s.log, "tool "+call.Name)
	if s.tool == nil {
		return
	}
	res, err := s.tool(call)
	s.at(s.now.Add(50*time.Millisecond), func() { s.m.ToolResult(s.now, id, call.ID, res, err) })
}
