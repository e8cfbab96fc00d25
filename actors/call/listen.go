package call

import (
	"context"
	"errors"
	"reflect"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxBacklog bounds the caller audio kept while the recognition stream
// (re)opens: 5 s, after which the oldest is dropped.
const maxBacklog = 250

// recogniserBridge is how long a call goes on without a recogniser: as
// long as the backlog keeps the caller's words. Past it they would be
// lost, so the caller is told and the call ends.
const recogniserBridge = maxBacklog * voice.FrameDuration

// cannotHear is what a caller hears when the recogniser stays down.
const cannotHear = "I'm sorry, I can't hear you at the moment. Please call us again later. Goodbye."

// listener feeds the caller's audio to the recognition stream and its
// events to the machine, keeping the audio while the stream (re)opens.
type listener struct {
	a       *callActor
	sup     supervisor[voice.STTStream]
	backlog [][]byte
	// choice is the recogniser in use among the assistant's
	// (assistant.Config.Recognisers): a call that falls over to a
	// fallback keeps it
	choice int
}

// sttEvent is a recognition event of stream generation gen.
type sttEvent struct {
	gen streamGen
	ev  voice.STTEvent
	at  mono.Time // its arrival
}

func newListener(a *callActor) *listener {
	l := &listener{a: a}
	l.sup = supervisor[voice.STTStream]{a: a, service: "stt", bridge: recogniserBridge,
		provider: func() string { return l.settings().Provider },
		dial: func(ctx context.Context, gen streamGen) (voice.STTStream, error) {
			cfg := *a.cfg
			cfg.STTSettings = l.settings()
			return a.mgr.Providers.OpenSTT(ctx, &a.spec.CallInfo, cfg, a.spec.Line.Format(),
				func(ev voice.STTEvent) { a.send(&sttEvent{gen: gen, ev: ev, at: mono.Now()}) })
		},
		up:       l.up,
		failed:   func() {},
		gaveUp:   func(error) { a.m.End(a.now(), events.EndRecognitionFailed, cannotHear) },
		fallOver: l.fallOver,
	}
	return l
}

// reconfigure replaces the stream when the configuration changes what it
// was opened with: the recognition settings, the keys, or the fallback in
// use. The new one starts with the configured recogniser again.
func (l *listener) reconfigure(prev, next assistant.Config) {
	onFallback := l.choice > 0 && !reflect.DeepEqual(prev.STTFallbackProviders, next.STTFallbackProviders)
	if prev.NeedsNewRecogniser(next) || onFallback {
		l.choice = 0
		l.sup.reopen()
	}
}

// settings are the recognition settings in use.
func (l *listener) settings() assistant.STTSettings {
	rs := l.a.cfg.Recognisers()
	return rs[min(l.choice, len(rs)-1)]
}

// fallOver moves to the next configured recogniser after a failure: the
// one in use could not connect, or gave up reconnecting. Once none is
// left, the last is retried until the call can bridge no more.
func (l *listener) fallOver() bool {
	if l.choice+1 >= len(l.a.cfg.Recognisers()) {
		return false
	}
	l.choice++
	l.a.log.Warn("recogniser down: falling over", "to", l.settings().Provider, "model", l.settings().Model)
	return true
}

// up sends the audio kept while the stream opened.
func (l *listener) up(st voice.STTStream) {
	for _, f := range l.backlog {
		l.send(st, f)
	}
	l.backlog = nil
}

// event hands a recognition event of the current stream to the machine.
// An error is the supervisor's: a fatal one means the stream is gone and
// is reopened.
func (l *listener) event(m *sttEvent) {
	if m.gen != l.sup.gen {
		return
	}
	a := l.a
	e, failed := m.ev.(*voice.STTError)
	switch {
	case !failed:
		a.cause = cause{kind: recognised, at: m.at}
		a.m.HandleSTT(a.now(), m.ev)
	case e.Fatal:
		l.sup.fail(e.Err)
	default:
		// the stream goes on (reconnecting by itself if it must: a fatal
		// error follows if it cannot), but audio it discarded is lost
		a.publish(events.ProviderError{Service: "stt", Provider: l.settings().Provider, Error: e.Err.Error(),
			Recovered: !errors.Is(e.Err, voice.ErrAudioLost)})
	}
}

// audio forwards a caller frame, or keeps it until the stream is open.
func (l *listener) audio(frame []byte) {
	if st, ok := l.sup.stream(); ok {
		l.send(st, frame)
		return
	}
	if len(l.backlog) == maxBacklog {
		l.backlog = l.backlog[1:]
	}
	l.backlog = append(l.backlog, frame)
}

func (l *listener) send(st voice.STTStream, frame []byte) {
	if err := st.SendAudio(frame); err != nil {
		l.a.log.Debug("caller audio not sent to recognition", "err", err)
	}
}

func (l *listener) finalize() {
	if st, ok := l.sup.stream(); ok {
		_ = st.Finalize()
	}
}
