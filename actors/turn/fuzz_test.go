package turn

import (
	"fmt"
	"math/rand/v2"
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

// The machine is driven by random interleavings of everything that can
// reach it — recognition, model, synthesis, marks, keys, tools,
// configuration and time — from providers that keep their protocols (no
// audio for an utterance never opened, no result for a tool never run),
// and its invariants are checked after every step:
//
//   - a phase change the design rules out never happens (it panics);
//   - every speech opened is ended or cancelled once its reply is over, and
//     every generation finished or cancelled;
//   - no audio of a track goes out after a clear that cut it, and tracks
//     never interleave: at most one reply is audible;
//   - what a reply reports as heard is what the carrier played of it, and
//     the history a new reply is asked with holds only words the caller
//     heard;
//   - the machine never stalls: whenever a turn or a reply is under way,
//     a deadline is set or a provider owes it an answer.
func FuzzMachine(f *testing.F) {
	for seed := range uint64(16) {
		f.Add(randomScript(seed, 400))
	}
	f.Fuzz(func(t *testing.T, script []byte) { runScript(t, script) })
}

// TestRandomConversations runs many seeded random scripts in every test
// run, beyond the fuzz corpus.
func TestRandomConversations(t *testing.T) {
	for seed := range uint64(300) {
		script := randomScript(seed, 600)
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runScript(t, script) })
	}
}

func randomScript(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// script reads a fuzz input as a sequence of choices; exhausted, it ends.
type script struct {
	b []byte
}

func (s *script) more() bool { return len(s.b) > 0 }

func (s *script) n(k int) int {
	if len(s.b) == 0 || k <= 0 {
		return 0
	}
	v := int(s.b[0]) % k
	s.b = s.b[1:]
	return v
}

func pick[T any](s *script, xs []T) T { return xs[s.n(len(xs))] }

var (
	callerWords    = []string{"uh-huh", "okay", "yes", "book", "a", "table", "for", "two", "stop", "please", "what", "time", "hello", "and", "no"}
	assistantWords = []string{"Sure.", "I", "can", "help,", "with", "that", "today.", "Shall", "book", "it?", "Right", "away."}
)

// env is the world around the machine under fuzzing: providers, carrier
// and clock, keeping their protocols, and the checks of the invariants.
type env struct {
	t   *testing.T
	m   *Machine
	s   *script
	now time.Time
	set Settings

	pacer   *codecs.Pacer
	flowing bool
	queue   []queued // frames and marks at the carrier, in play order
	lossy   bool     // the carrier loses some marks

	gens     map[ReplyID]*fuzzGen
	utts     map[ReplyID]*fuzzUtt
	tools    map[ReplyID][]string // call ids running
	ack      string               // a short phrase requested
	handover int64                // an assistant's configuration requested
	nextID   int

	// observations
	cut          map[string]bool     // tracks whose audio a clear cut
	lastTrack    string              // the track of the last frame sent
	finishedWith map[string]bool     // tracks no frame may come from any more
	played       map[string][]string // words the carrier played, by track
	heardSoFar   []string            // words of finished replies, as reported heard
}

type queued struct {
	at    time.Time
	track string
	frame []byte
	mark  string
}

type fuzzGen struct {
	done, cancelled bool
}

type fuzzUtt struct {
	pending         []string // text given, not yet synthesised
	offset          time.Duration
	ended, finished bool // EndSpeech received; Done or Error sent
	cancelled       bool
}

func runScript(t *testing.T, b []byte) {
	s := &script{b: b}
	set := defaultSettings()
	set.Speculative = s.n(2) == 0
	set.SpeculativeStreamTTS = s.n(2) == 0
	set.SpeculativeDebounce, set.SpeculativeMinWords, set.SpeculativeMatch = 300*time.Millisecond, 2, 0.8
	set.IncompleteDetection = s.n(2) == 0
	set.BackchannelFilter = s.n(3) != 0
	if s.n(4) != 0 {
		set.BackchannelInterval = time.Second
	}
	if s.n(2) == 0 {
		set.IdleTimeout, set.IdleInterval, set.MaxIdleMessages, set.IdleMessages = 4*time.Second, 4*time.Second, 2, []string{"Still there?"}
	}
	if s.n(3) == 0 {
		set.MaxCallLength, set.EndCallMessage = 40*time.Second, "Time is up, goodbye."
	}
	set.Tools.TransferCall.TransferNumbers = []string{"+15550001"}
	set.Tools.CollectKeypad = assistant.CollectKeypadTool{Enabled: true, TimeoutSeconds: 3, StopKey: "#"}
	set.Tools.AssistantTransfer = assistant.AssistantTransferTool{Enabled: true,
		Targets: []assistant.AssistantTransfer{{AssistantID: 2, SpeakGreeting: s.n(2) == 0}}}
	set.ConsentRequired = s.n(5) == 0
	set.WaitForCaller = s.n(5) == 0
	if s.n(3) == 0 {
		set.VoicemailDetection = "outbound"
		set.VoicemailMessage = pick(s, []string{"", "Please call us back."})
	}
	if s.n(2) == 0 {
		set.FillerAfter = 700 * time.Millisecond
		set.FillerPhrases = fillerPhrases(assistant.FillerSettings{})
	}
	set.AllowInterruptions = s.n(5) != 0
	if s.n(3) == 0 {
		set.InitialSilence = 10 * time.Second
	}
	pacer, _ := codecs.NewPacer(voice.FrameDuration, Lead)
	e := &env{t: t, s: s, set: set, now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), pacer: pacer, lossy: s.n(4) == 0,
		gens: map[ReplyID]*fuzzGen{}, utts: map[ReplyID]*fuzzUtt{}, tools: map[ReplyID][]string{},
		cut: map[string]bool{}, finishedWith: map[string]bool{}, played: map[string][]string{}}
	if s.n(3) != 0 {
		e.set.Welcome = "Hello, how can I help?"
	}
	e.m = New(e, e.set, voice.Telephony, e.now)
	cs := CallStart{Outbound: s.n(2) == 0}
	if s.n(3) == 0 {
		cs.Disclosure = "This call is recorded."
	}
	e.m.Start(e.now, cs)
	e.settle()
	for s.more() && !e.m.Ended() {
		e.step()
		e.settle()
		e.check()
	}
}

// step feeds the machine one thing that can happen.
func (e *env) step() {
	defer func(before int) { // the trail a failure is read from
		e.t.Logf("%s: step of %d bytes → %v, %v", e.now.Format("05.000"), before-len(e.s.b), e.m.assistant, e.m.caller.phase)
	}(len(e.s.b))
	m, s := e.m, e.s
	switch s.n(20) {
	case 0:
		m.HandleSTT(e.now, &voice.SpeechStarted{})
	case 1, 2:
		words := e.words()
		m.HandleSTT(e.now, &voice.Transcript{Text: words, Confidence: e.conf(), Words: wordsOf(strings.Fields(words), 0.9)})
	case 3, 4:
		words := e.words()
		m.HandleSTT(e.now, &voice.Transcript{Text: words, Confidence: e.conf(), Final: true, SpeechFinal: s.n(2) == 0,
			Words: wordsOf(strings.Fields(words), 0.9)})
	case 5:
		text := ""
		if s.n(2) == 0 {
			text = e.words()
		}
		m.HandleSTT(e.now, &voice.EndOfTurn{Text: text})
	case 6:
		if s.n(2) == 0 {
			m.HandleSTT(e.now, &voice.EagerEndOfTurn{Text: e.words()})
		} else {
			m.HandleSTT(e.now, &voice.TurnResumed{})
		}
	case 7:
		if s.n(4) == 0 {
			m.HandleSTT(e.now, &voice.STTError{Err: errorString("stream dropped")})
		} else {
			m.CallerDTMF(e.now, pick(s, []string{"1", "2", "#"}))
		}
	case 8, 9:
		e.generate()
	case 10, 11:
		e.synthesise()
	case 12:
		e.answerTool()
	case 13:
		e.deliverAck()
	case 14:
		if s.n(3) == 0 {
			e.deliverHandover()
			return
		}
		next := e.set
		next.Version = e.set.Version + 1
		next.Speculative = !next.Speculative
		next.SystemPrompt = fmt.Sprintf("Prompt %d.", next.Version)
		e.set = next
		m.ChangeConfig(e.now, next)
	case 15:
		switch s.n(8) {
		case 0:
			m.End(e.now, events.EndTerminated, pick(s, []string{"", "Goodbye now."}))
		case 1:
			m.CarrierGone(e.now)
		case 2:
			m.Tone(e.now)
		case 3:
			m.CarrierAnsweredBy(e.now, pick(s, []string{AnsweredByHuman, AnsweredByMachine}))
		default:
			e.advance(time.Duration(s.n(40)) * 100 * time.Millisecond)
		}
	default:
		e.advance(time.Duration(s.n(30)) * 20 * time.Millisecond)
	}
}

// deliverAck answers a requested acknowledgement with its audio.
func (e *env) deliverAck() {
	if e.ack == "" {
		return
	}
	phrase := e.ack
	e.ack = ""
	e.m.ShortPhraseAudio(e.now, phrase, slices.Concat(fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(phrase)})...))
}

func (e *env) words() string {
	n := 1 + e.s.n(4)
	w := make([]string, n)
	for i := range w {
		w[i] = pick(e.s, callerWords)
	}
	return strings.Join(w, " ")
}

func (e *env) conf() float64 { return pick(e.s, []float64{0.95, 0.9, 0.4}) }

// generate moves a running generation on by one event.
func (e *env) generate() {
	id, g := e.pickGen()
	if g == nil {
		return
	}
	m, s := e.m, e.s
	switch s.n(9) {
	case 0, 1, 2, 3:
		m.HandleLLM(e.now, id, &voice.TextDelta{Text: pick(s, assistantWords) + " "})
	case 4:
		e.nextID++
		call := voice.ToolCall{ID: fmt.Sprint("c", e.nextID), Arguments: `{"digits":"1","assistant_id":2}`,
			Name: pick(s, []string{ToolEndCall, ToolTransferCall, ToolSendDTMF, ToolCollectKeypad, ToolAssistantTransfer, "lookup"})}
		m.HandleLLM(e.now, id, &voice.ToolCallEvent{Call: call})
	case 5:
		m.HandleLLM(e.now, id, &voice.LLMServed{Provider: "openai", Fallback: s.n(2) == 0, FailedProviders: []string{"groq"}})
	case 6:
		g.done = true
		m.LLMFinished(e.now, id, errorString("model down"))
	default:
		g.done = true
		m.LLMFinished(e.now, id, nil)
	}
}

func (e *env) pickGen() (ReplyID, *fuzzGen) {
	var ids []ReplyID
	for id, g := range e.gens {
		if !g.done && !g.cancelled {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	slices.Sort(ids)
	id := pick(e.s, ids)
	return id, e.gens[id]
}

// synthesise moves an utterance on: audio for its next text, its end, or
// a failure.
func (e *env) synthesise() {
	var ids []ReplyID
	for id, u := range e.utts {
		if !u.finished && !u.cancelled && (len(u.pending) > 0 || u.ended) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	id := pick(e.s, ids)
	u := e.utts[id]
	switch {
	case e.s.n(12) == 0:
		u.finished = true
		e.m.HandleTTS(e.now, id, &voice.TTSError{Err: errorString("voice down")})
	case len(u.pending) > 0:
		text := u.pending[0]
		u.pending = u.pending[1:]
		var audio []byte
		var words []voice.Word
		for _, w := range fakespeech.Words(text) {
			frames := fakespeech.Speak(fakespeech.Utterance{Words: []string{w}})
			words = append(words, voice.Word{Text: w, Start: u.offset, End: u.offset + fakespeech.WordDuration(w)})
			u.offset += time.Duration(len(frames)) * voice.FrameDuration
			audio = append(audio, slices.Concat(frames...)...)
		}
		if e.s.n(3) == 0 { // timings after their audio
			e.m.HandleTTS(e.now, id, &voice.TTSAudio{Audio: audio})
			e.m.HandleTTS(e.now, id, &voice.TTSAudio{Words: words})
		} else {
			e.m.HandleTTS(e.now, id, &voice.TTSAudio{Audio: audio, Words: words})
		}
	default:
		u.finished = true
		e.m.HandleTTS(e.now, id, &voice.TTSDone{})
	}
}

func (e *env) answerTool() {
	for id, calls := range e.tools {
		if len(calls) == 0 {
			continue
		}
		call := calls[0]
		e.tools[id] = calls[1:]
		e.m.ToolResult(e.now, id, call, `{"ok":true}`, nil)
		return
	}
}

// advance moves time on by d: the machine's deadlines run, the outbound
// clock pulls frames, and the carrier plays them and echoes their marks.
func (e *env) advance(d time.Duration) {
	if e.s.n(2) == 0 {
		e.deliverAck() // synthesis answers first
	}
	until := e.now.Add(d)
	for !e.m.Ended() {
		var next deadline
		dl, ok := e.m.NextDeadline()
		next.consider(dl, ok)
		next.consider(e.pacer.Next(), e.flowing)
		if len(e.queue) > 0 {
			next.at(e.queue[0].at)
		}
		if !next.set || next.when.After(until) {
			break
		}
		e.now = maxTime(e.now, next.when)
		e.play()
		if ok && !dl.After(e.now) {
			e.m.Advance(e.now)
		}
		e.settle()
	}
	e.now = maxTime(e.now, until)
	e.play()
	e.settle()
}

// settle is what the call actor does after every message: the outbound
// clock sends whatever frames are due.
func (e *env) settle() {
	e.flowing = false
	for !e.m.Ended() && e.pacer.Due(e.now) {
		frame, mark, t, ok := e.m.nextFrame(e.now)
		if !ok {
			return
		}
		if st := e.m.stage; (st == Screening || st == Opening) && e.m.assistant != Ending {
			e.t.Fatalf("audio went out while %v", st)
		}
		if e.cut[t.id] || e.finishedWith[t.id] {
			e.t.Fatalf("a frame of %s went out after it was cut or another track played", t.id)
		}
		if e.lastTrack != "" && e.lastTrack != t.id {
			e.finishedWith[e.lastTrack] = true
		}
		e.lastTrack = t.id
		e.queue = append(e.queue, queued{at: e.pacer.Send(e.now), track: t.id, frame: frame})
		if mark != "" {
			e.queue = append(e.queue, queued{at: e.pacer.PlayedBy(), track: t.id, mark: mark})
		}
	}
	e.flowing = !e.m.Ended()
}

// play plays what the carrier has reached by now.
func (e *env) play() {
	for len(e.queue) > 0 && !e.queue[0].at.After(e.now) {
		q := e.queue[0]
		e.queue = e.queue[1:]
		if q.mark != "" {
			if !e.lossy || e.s.n(3) != 0 {
				e.m.MarkPlayed(e.now, q.mark)
			}
			continue
		}
		if f := fakespeech.Decode(q.frame); f.Kind == fakespeech.KindWord {
			e.played[q.track] = append(e.played[q.track], f.Word)
		}
	}
}

// check verifies the invariants after a step.
func (e *env) check() {
	t, m := e.t, e.m
	a, c := m.Phases()
	switch {
	case a == Silent && (m.reply != nil || m.ack != nil),
		a == Acknowledging && (m.ack == nil || m.reply != nil),
		a >= Guessing && a <= Ending && m.reply == nil,
		a == Ended && m.reply != nil:
		t.Fatalf("assistant %v with reply %v, acknowledgement %v", a, m.reply != nil, m.ack != nil)
	}
	if c == Holding && a != Speaking && a != Paused && !(m.reply != nil && m.reply.source == SourceDisclosure) {
		t.Fatalf("the caller's turn is held while the assistant is %v", a)
	}
	current := ReplyID(-1)
	if m.reply != nil {
		current = m.reply.id
	}
	for id, u := range e.utts {
		if id != current && !u.ended && !u.cancelled && !u.finished {
			t.Fatalf("reply %v is over and its speech was neither ended nor cancelled", id)
		}
	}
	for id, g := range e.gens {
		if id != current && !g.done && !g.cancelled {
			t.Fatalf("reply %v is over and its generation still runs", id)
		}
	}
	if a == Ended {
		return
	}
	// Progress: a turn or reply under way has a deadline or an answer owed.
	if _, ok := m.NextDeadline(); ok || e.flowing || len(e.queue) > 0 || e.owed() {
		return
	}
	if c != Quiet || (a != Silent && a != Acknowledging) {
		t.Fatalf("stalled: assistant %v, caller %v, nothing scheduled and nothing owed", a, c)
	}
}

// owed reports whether a provider owes the machine an answer.
func (e *env) owed() bool {
	for _, g := range e.gens {
		if !g.done && !g.cancelled {
			return true
		}
	}
	for _, u := range e.utts {
		if !u.finished && !u.cancelled && (len(u.pending) > 0 || u.ended) {
			return true
		}
	}
	for _, calls := range e.tools {
		if len(calls) > 0 {
			return true
		}
	}
	return e.ack != "" || e.handover != 0
}

// Port.

func (e *env) ClearAudio() {
	for _, q := range e.queue {
		e.cut[q.track] = true
	}
	if e.lastTrack != "" {
		e.cut[e.lastTrack] = true
	}
	var kept []queued
	for _, q := range e.queue {
		if q.mark != "" {
			kept = append(kept, queued{at: e.now, mark: q.mark}) // echoed at once, as Twilio does
		}
	}
	e.queue = kept
	e.pacer.Clear(e.now)
}

func (e *env) SendDTMF(string) {}
func (e *env) HangUp(string)   {}
func (e *env) Transfer(string) {}
func (e *env) FinalizeSTT()    {}

func (e *env) StartLLM(id ReplyID, msgs []voice.Message) {
	if e.m.Ended() {
		e.t.Fatal("a generation started after the call ended")
	}
	if st := e.m.stage; st != Conversing {
		e.t.Fatalf("the model was asked while %v", st)
	}
	g, continuing := e.gens[id]
	if !continuing {
		g = &fuzzGen{}
		e.gens[id] = g
		e.checkHistory(msgs)
	}
	g.done = false
}

// checkHistory verifies that a new reply is asked with a history whose
// assistant words are exactly those the caller heard of earlier replies.
func (e *env) checkHistory(msgs []voice.Message) {
	var said []string
	for _, msg := range msgs {
		if msg.Role == voice.RoleAssistant {
			said = append(said, strings.Fields(msg.Content)...)
		}
	}
	if !slices.Equal(said, e.heardSoFar) {
		e.t.Fatalf("the model is asked with assistant words %q, the caller heard %q", said, e.heardSoFar)
	}
}

func (e *env) CancelLLM(id ReplyID) { e.gens[id].cancelled = true }

func (e *env) OpenSpeech(id ReplyID) {
	if e.m.Ended() {
		e.t.Fatal("speech opened after the call ended")
	}
	e.utts[id] = &fuzzUtt{}
}

func (e *env) Speak(id ReplyID, text string) {
	if u := e.utts[id]; u != nil && !u.ended && !u.cancelled {
		u.pending = append(u.pending, text)
	} else if u == nil || u.ended {
		e.t.Fatalf("text for reply %v's speech after it ended", id)
	}
}

func (e *env) EndSpeech(id ReplyID) {
	u := e.utts[id]
	if u.ended {
		e.t.Fatalf("reply %v's speech ended twice", id)
	}
	u.ended = true
}

func (e *env) CancelSpeech(id ReplyID) { e.utts[id].cancelled = true }

func (e *env) ShortPhrase(phrase string) { e.ack = phrase }
func (e *env) HandOver(id int64)         { e.handover = id }

// deliverHandover answers a handover: the other assistant's settings, or
// a failure.
func (e *env) deliverHandover() {
	id := e.handover
	if id == 0 {
		return
	}
	e.handover = 0
	if e.s.n(4) == 0 {
		e.m.HandoverFailed(e.now, "gone")
		return
	}
	next := e.set
	next.AssistantID, next.Version, next.SystemPrompt = id, 1, "You are assistant two."
	e.set = next
	e.m.ChangeConfig(e.now, next)
}

func (e *env) RunTool(id ReplyID, call voice.ToolCall) { e.tools[id] = append(e.tools[id], call.ID) }

func (e *env) ApplyConfig(s Settings) {
	if s.Version > e.set.Version {
		e.t.Fatalf("version %d applied before it was given", s.Version)
	}
}

func (e *env) Publish(ev events.Event) {
	f, ok := ev.(events.ReplyFinished)
	if !ok {
		return
	}
	heard := strings.Fields(f.Heard)
	track := e.m.reply.track.id // the reply being ended
	played := e.played[track]
	if len(heard) > len(played) || !slices.Equal(heard, played[:len(heard)]) {
		e.t.Fatalf("reply of turn %d reports %q heard; the carrier played %q", f.Turn, heard, played)
	}
	e.heardSoFar = append(e.heardSoFar, heard...)
}
