package call

import (
	"errors"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// errNoSpeech ends an utterance that cannot be synthesised, so the
// conversation goes on instead of waiting for audio that will not come.
var errNoSpeech = errors.New("text-to-speech unavailable")

// speaker supervises the call's synthesis session: one utterance at a time
// (the reply being spoken, or an acknowledgement), text queued while the
// session opens, and the session reopened with backoff after a failure.
type speaker struct {
	a        *callActor
	session  voice.TTSSession
	gen      int
	opening  bool
	failures int
	closed   bool
	cur      *utterance
	bc       *ack
	cache    map[string][]byte // acknowledgement audio by phrase, per call
	stale    bool              // reopen once the utterance in progress is done
	served   bool              // a session has opened for this call
}

// utterance is a reply being synthesised; text waits in queue until the
// session can take it.
type utterance struct {
	id    int
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
	ttsOpened struct {
		gen     int
		session voice.TTSSession
		err     error
	}
	ttsEvent struct {
		id int
		ev voice.TTSEvent
	}
	ttsRetry         struct{ gen int }
	backchannelEvent struct {
		phrase string
		ev     voice.TTSEvent
	}
)

func (s *speaker) open() {
	s.gen++
	gen, a := s.gen, s.a
	s.opening = true
	cfg, f := a.snap.Config, a.spec.Line.Format()
	a.spawn(func() {
		sess, err := a.mgr.Providers.OpenTTS(a.ctx, &a.spec.CallInfo, cfg, f)
		a.send(&ttsOpened{gen: gen, session: sess, err: err})
	})
}

func (s *speaker) receive(msg any) {
	a := s.a
	switch m := msg.(type) {
	case *ttsOpened:
		if m.gen != s.gen || s.closed {
			if m.session != nil {
				s.closeSession(m.session)
			}
			return
		}
		s.opening = false
		if m.err != nil {
			if !s.served && errors.Is(m.err, voice.ErrNoCapacity) {
				a.refuse("tts", m.err)
				return
			}
			a.publish(events.ProviderError{Service: "tts", Error: m.err.Error(), Recovered: true})
			if s.cur != nil { // the waiting reply cannot be spoken now
				id := s.cur.id
				s.cur = nil
				a.send(&ttsEvent{id: id, ev: &voice.TTSError{Err: errNoSpeech}})
			}
			s.retryLater()
			return
		}
		s.session, s.failures, s.served = m.session, 0, true
		if s.cur != nil {
			s.start(s.cur)
		}
	case *ttsEvent:
		if s.cur == nil || m.id != s.cur.id {
			if _, failed := m.ev.(*voice.TTSError); failed {
				a.m.HandleTTS(a.now(), m.id, m.ev) // a failure reported for a reply no longer synthesising
			}
			return
		}
		switch m.ev.(type) {
		case *voice.TTSDone:
			s.cur = nil
			if s.stale {
				s.reopen()
			}
		case *voice.TTSError:
			s.cur = nil
			s.reopen() // the session may be broken
		}
		a.m.HandleTTS(a.now(), m.id, m.ev)
	case *ttsRetry:
		if m.gen == s.gen && !s.closed && s.session == nil && !s.opening {
			s.open()
		}
	case *backchannelEvent:
		s.ackEvent(m)
	}
}

func (s *speaker) retryLater() {
	s.failures++
	wait := min(100*time.Millisecond<<min(s.failures, 10), maxRetryWait)
	gen, a := s.gen, s.a
	a.clk.AfterFunc(wait, func() { a.send(&ttsRetry{gen: gen}) })
}

// openUtterance starts reply id's utterance, now or once the session opens.
func (s *speaker) openUtterance(id int) {
	if s.bc != nil && s.bc.u != nil {
		s.bc.u.Cancel()
		s.bc = nil
	}
	if s.cur != nil && s.cur.u != nil {
		s.cur.u.Cancel()
	}
	s.cur = &utterance{id: id}
	if s.session != nil {
		s.start(s.cur)
	}
}

func (s *speaker) start(u *utterance) {
	id, a := u.id, s.a
	utt, err := s.session.Speak(func(ev voice.TTSEvent) { a.send(&ttsEvent{id: id, ev: ev}) })
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

func (s *speaker) say(id int, text string) {
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

func (s *speaker) end(id int) {
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

func (s *speaker) cancel(id int) {
	if u := s.cur; u != nil && u.id == id {
		if u.u != nil {
			u.u.Cancel()
		}
		s.cur = nil
	}
}

// backchannel synthesises an acknowledgement, once per phrase per call.
func (s *speaker) backchannel(phrase string) {
	if audio, ok := s.cache[phrase]; ok {
		s.bc = &ack{phrase: phrase, audio: audio}
		s.a.send(&backchannelEvent{phrase: phrase, ev: &voice.TTSDone{}})
		return
	}
	if s.session == nil || s.cur != nil || s.bc != nil {
		return // the moment will pass; no acknowledgement this time
	}
	a := s.a
	utt, err := s.session.Speak(func(ev voice.TTSEvent) { a.send(&backchannelEvent{phrase: phrase, ev: ev}) })
	if err != nil {
		return
	}
	s.bc = &ack{phrase: phrase, u: utt}
	if utt.Send(phrase) != nil || utt.End() != nil {
		utt.Cancel()
		s.bc = nil
	}
}

func (s *speaker) ackEvent(m *backchannelEvent) {
	b := s.bc
	if b == nil || b.phrase != m.phrase {
		return
	}
	switch e := m.ev.(type) {
	case *voice.TTSAudio:
		b.audio = append(b.audio, e.Audio...)
	case *voice.TTSDone:
		s.bc = nil
		s.cache[b.phrase] = b.audio
		s.a.m.BackchannelAudio(s.a.now(), b.phrase, slices.Clone(b.audio))
	case *voice.TTSError:
		s.bc = nil
	}
}

// reopen replaces the session (after a failure or a configuration
// change), waiting for an utterance in progress to finish first.
func (s *speaker) reopen() {
	if s.cur != nil && s.cur.u != nil {
		s.stale = true
		return
	}
	s.stale = false
	if s.session != nil {
		s.closeSession(s.session)
		s.session = nil
	}
	s.open()
}

func (s *speaker) close() {
	s.closed = true
	if s.cur != nil && s.cur.u != nil {
		s.cur.u.Cancel()
	}
	if s.bc != nil && s.bc.u != nil {
		s.bc.u.Cancel()
	}
	s.cur, s.bc = nil, nil
	if s.session != nil {
		s.closeSession(s.session)
		s.session = nil
	}
}

func (s *speaker) closeSession(sess voice.TTSSession) {
	s.a.mgr.goTracked(func() { _ = sess.Close() })
}
