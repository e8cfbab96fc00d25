package call

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/events"
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
// being spoken, or an acknowledgement), text queued while the session
// opens.
type speaker struct {
	a     *callActor
	sup   supervisor[voice.TTSSession]
	cur   *utterance
	ack   *ack
	cache map[string][]byte // acknowledgement audio by phrase, per call
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

// ack is an acknowledgement being synthesised for the first time.
type ack struct {
	phrase string
	u      voice.Utterance
	audio  []byte
}

type (
	ttsEvent struct {
		id turn.ReplyID
		ev voice.TTSEvent
	}
	backchannelEvent struct {
		phrase string
		ev     voice.TTSEvent
	}
)

func newSpeaker(a *callActor) *speaker {
	s := &speaker{a: a, cache: map[string][]byte{}}
	s.sup = supervisor[voice.TTSSession]{a: a, service: "tts", bridge: synthesiserBridge,
		dial: func(ctx context.Context, _ streamGen) (voice.TTSSession, error) {
			return a.mgr.Providers.OpenTTS(ctx, &a.spec.CallInfo, a.cfg, a.spec.Line.Format())
		},
		up:     func(voice.TTSSession) { s.start() },
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
	case *voice.TTSDone:
		s.cur = nil
		if s.staleSession {
			s.reopen()
		}
	case *voice.TTSError:
		s.cur = nil
		s.reopen() // the session may be broken
	}
	a.m.HandleTTS(a.now(), m.id, m.ev)
}

// openUtterance starts reply id's utterance, now or once the session opens.
func (s *speaker) openUtterance(id turn.ReplyID) {
	if s.ack != nil && s.ack.u != nil {
		s.ack.u.Cancel()
		s.ack = nil
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
	utt, err := sess.Speak(func(ev voice.TTSEvent) { a.send(&ttsEvent{id: id, ev: ev}) })
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
	}
}

// acknowledge synthesises an acknowledgement, once per phrase per call.
func (s *speaker) acknowledge(phrase string) {
	if audio, ok := s.cache[phrase]; ok {
		s.ack = &ack{phrase: phrase, audio: audio}
		s.a.send(&backchannelEvent{phrase: phrase, ev: &voice.TTSDone{}})
		return
	}
	sess, ok := s.sup.stream()
	if !ok || s.cur != nil || s.ack != nil {
		return // the moment will pass; no acknowledgement this time
	}
	a := s.a
	utt, err := sess.Speak(func(ev voice.TTSEvent) { a.send(&backchannelEvent{phrase: phrase, ev: ev}) })
	if err != nil {
		return
	}
	s.ack = &ack{phrase: phrase, u: utt}
	if utt.Send(phrase) != nil || utt.End() != nil {
		utt.Cancel()
		s.ack = nil
	}
}

func (s *speaker) ackEvent(m *backchannelEvent) {
	b := s.ack
	if b == nil || b.phrase != m.phrase {
		return
	}
	switch e := m.ev.(type) {
	case *voice.TTSAudio:
		b.audio = append(b.audio, e.Audio...)
	case *voice.TTSDone:
		s.ack = nil
		s.cache[b.phrase] = b.audio
		s.a.m.BackchannelAudio(s.a.now(), b.phrase, slices.Clone(b.audio))
	case *voice.TTSError:
		s.ack = nil
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
	if s.ack != nil && s.ack.u != nil {
		s.ack.u.Cancel()
	}
	s.cur, s.ack = nil, nil
	s.sup.close()
}
