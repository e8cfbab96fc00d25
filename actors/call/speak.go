package call

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/voice"
)

// errNoSpeech ends an utterance that cannot be synthesised, so the
// conversation goes on instead of waiting for audio that will not come.
var errNoSpeech = errors.New("text-to-speech unavailable")

// synthesiserBridge is how long a call goes on without a synthesis
// session before it is ended: the assistant cannot say anything, goodbye
// included.
const synthesiserBridge = 10 * time.Second

// speaker runs the call's synthesis: one utterance at a time (the reply
// being spoken, or a short phrase), text queued while the session opens.
// Short phrases (acknowledgements, fillers) come from the node's phrase
// cache; those the call may need and the cache lacks are synthesised while
// the session is idle, so that they are ready when wanted.
type speaker struct {
	a        *callActor
	sup      supervisor[voice.TTSSession]
	cur      *utterance
	short    *shortSynth
	prefetch []string // short phrases to synthesise while idle
	voice    string   // the voice's key in the phrase cache
	// staleSession: the configuration changed; the session is replaced
	// once the utterance in progress is done.
	staleSession bool
}

// utterance is a reply being synthesised; text waits in queue until the
// session can take it.
type utterance struct {
	id    turn.ReplyID
	u     voice.Utterance
	queue []string
	ended bool
}

// shortSynth is a short phrase being synthesised; wanted: the machine
// asked for it (else it is only prefetched).
type shortSynth struct {
	phrase string
	u      voice.Utterance
	audio  []byte
	wanted bool
}

type (
	ttsEvent struct {
		id turn.ReplyID
		ev voice.TTSEvent
		at mono.Time // its arrival
	}
	shortEvent struct {
		phrase string
		ev     voice.TTSEvent
	}
	// phraseReady is a short phrase's audio for the machine.
	phraseReady struct {
		phrase string
		audio  []byte
	}
)

func newSpeaker(a *callActor) *speaker {
	s := &speaker{a: a}
	s.setVoice()
	s.sup = supervisor[voice.TTSSession]{a: a, service: "tts", bridge: synthesiserBridge,
		provider: func() string { return a.cfg.TTSSettings.Provider },
		dial: func(ctx context.Context, _ streamGen) (voice.TTSSession, error) {
			return a.mgr.Providers.OpenTTS(ctx, &a.spec.CallInfo, *a.cfg, a.spec.Line.Format())
		},
		up: func(voice.TTSSession) {
			s.start()
			s.prefetchNext()
		},
		failed: s.dropWaiting,
		gaveUp: func(error) { a.m.End(a.now(), events.EndSynthesisFailed, "") },
	}
	return s
}

// dropWaiting fails the reply waiting for a session that did not open: it
// cannot be spoken now.
func (s *speaker) dropWaiting() {
	if s.cur != nil {
		id := s.cur.id
		s.cur = nil
		s.a.send(&ttsEvent{id: id, ev: &voice.TTSError{Err: errNoSpeech}})
	}
}

// event hands a synthesis event to the machine.
func (s *speaker) event(m *ttsEvent) {
	a := s.a
	if s.cur == nil || m.id != s.cur.id {
		if _, failed := m.ev.(*voice.TTSError); failed {
			a.m.HandleTTS(a.now(), m.id, m.ev) // a failure reported for a reply no longer synthesising
		}
		return
	}
	switch m.ev.(type) {
	case *voice.TTSAudio:
		a.cause = cause{kind: replyAudio, at: m.at}
	case *voice.TTSDone:
		s.cur = nil
		if s.staleSession {
			s.reopen()
		}
		s.prefetchNext()
	case *voice.TTSError:
		s.cur = nil
		s.reopen() // the session may be broken
	}
	a.m.HandleTTS(a.now(), m.id, m.ev)
}

// openUtterance starts reply id's utterance, now or once the session opens.
func (s *speaker) openUtterance(id turn.ReplyID) {
	if s.short != nil {
		s.short.u.Cancel() // a reply goes first; the phrase is tried again later
		if !s.short.wanted {
			s.prefetch = append(s.prefetch, s.short.phrase)
		}
		s.short = nil
	}
	if s.cur != nil && s.cur.u != nil {
		s.cur.u.Cancel()
	}
	s.cur = &utterance{id: id}
	s.start()
}

// start begins the waiting utterance if the session is open.
func (s *speaker) start() {
	u := s.cur
	sess, ok := s.sup.stream()
	if u == nil || u.u != nil || !ok {
		return
	}
	id, a := u.id, s.a
	utt, err := sess.Speak(func(ev voice.TTSEvent) { a.send(&ttsEvent{id: id, ev: ev, at: mono.Now()}) })
	if err != nil {
		a.send(&ttsEvent{id: id, ev: &voice.TTSError{Err: err}})
		return
	}
	u.u = utt
	for _, text := range u.queue {
		s.sendText(u, text)
	}
	u.queue = nil
	if u.ended {
		_ = utt.End()
	}
}

func (s *speaker) say(id turn.ReplyID, text string) {
	u := s.cur
	if u == nil || u.id != id {
		return
	}
	if u.u == nil {
		u.queue = append(u.queue, text)
		return
	}
	s.sendText(u, text)
}

func (s *speaker) sendText(u *utterance, text string) {
	if err := u.u.Send(text); err != nil {
		s.a.send(&ttsEvent{id: u.id, ev: &voice.TTSError{Err: err}})
	}
}

func (s *speaker) end(id turn.ReplyID) {
	u := s.cur
	if u == nil || u.id != id {
		return
	}
	if u.u == nil {
		u.ended = true
		return
	}
	_ = u.u.End()
}

func (s *speaker) cancel(id turn.ReplyID) {
	if u := s.cur; u != nil && u.id == id {
		if u.u != nil {
			u.u.Cancel()
		}
		s.cur = nil
		s.prefetchNext()
	}
}

// setVoice keys the phrase cache by the configuration's voice, and
// queues the short phrases the machine may ask for that it lacks.
func (s *speaker) setVoice() {
	a := s.a
	s.voice = voiceKey(a.cfg.TTSSettings, a.spec.Line.Format())
	s.prefetch = s.prefetch[:0]
	for _, p := range turn.ShortPhrases(turn.SettingsFrom(a.spec.AssistantID, a.cfg, a.version)) {
		if _, ok := a.mgr.phrases.get(phraseKey{s.voice, p}); !ok {
			s.prefetch = append(s.prefetch, p)
		}
	}
}

// shortPhrase gets a short phrase's audio to the machine: from the cache
// at once, or synthesised now if the session is free; otherwise the
// moment passes.
func (s *speaker) shortPhrase(phrase string) {
	if audio, ok := s.a.mgr.phrases.get(phraseKey{s.voice, phrase}); ok {
		s.a.send(&phraseReady{phrase: phrase, audio: audio})
		return
	}
	if s.short != nil && s.short.phrase == phrase {
		s.short.wanted = true
		return
	}
	s.synthesise(phrase, true)
}

// prefetchNext synthesises the next phrase the call may need, if idle.
func (s *speaker) prefetchNext() {
	for len(s.prefetch) > 0 && s.short == nil && s.cur == nil {
		p := s.prefetch[0]
		s.prefetch = s.prefetch[1:]
		if _, ok := s.a.mgr.phrases.get(phraseKey{s.voice, p}); ok {
			continue
		}
		if !s.synthesise(p, false) {
			s.prefetch = append([]string{p}, s.prefetch...)
			return
		}
	}
}

// synthesise starts a short phrase's synthesis if the session is free.
func (s *speaker) synthesise(phrase string, wanted bool) bool {
	sess, ok := s.sup.stream()
	if !ok || s.cur != nil || s.short != nil {
		return false
	}
	a := s.a
	utt, err := sess.Speak(func(ev voice.TTSEvent) { a.send(&shortEvent{phrase: phrase, ev: ev}) })
	if err != nil {
		return false
	}
	if utt.Send(phrase) != nil || utt.End() != nil {
		utt.Cancel()
		return false
	}
	s.short = &shortSynth{phrase: phrase, u: utt, wanted: wanted}
	return true
}

// shortDone takes a short phrase's synthesis events.
func (s *speaker) shortDone(m *shortEvent) {
	b := s.short
	if b == nil || b.phrase != m.phrase {
		return
	}
	switch e := m.ev.(type) {
	case *voice.TTSAudio:
		b.audio = append(b.audio, e.Audio...)
	case *voice.TTSDone:
		s.short = nil
		s.a.mgr.phrases.put(phraseKey{s.voice, b.phrase}, b.audio)
		if b.wanted {
			s.a.m.ShortPhraseAudio(s.a.now(), b.phrase, slices.Clone(b.audio))
		}
		s.prefetchNext()
	case *voice.TTSError:
		s.short = nil
	}
}

// reopen replaces the session (after a failure or a configuration
// change), waiting for an utterance in progress to finish first.
func (s *speaker) reopen() {
	if s.cur != nil && s.cur.u != nil {
		s.staleSession = true
		return
	}
	s.staleSession = false
	s.sup.reopen()
}

func (s *speaker) close() {
	if s.cur != nil && s.cur.u != nil {
		s.cur.u.Cancel()
	}
	if s.short != nil {
		s.short.u.Cancel()
	}
	s.cur, s.short = nil, nil
	s.sup.close()
}
