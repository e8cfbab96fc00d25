package call

import (
	"errors"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxBacklog bounds the caller audio kept while the recognition stream
// (re)opens: 5 s, after which the oldest is dropped.
const maxBacklog = 250

// maxRetryWait caps the wait between attempts to reopen a failed stream.
const maxRetryWait = 5 * time.Second

// listener supervises the call's recognition stream: it opens it off the
// actor, buffers caller audio meanwhile, and reopens it with backoff when
// it fails, so a failed stream never drops the call.
type listener struct {
	a        *callActor
	stream   voice.STTStream
	gen      int // events of older streams are ignored
	opening  bool
	backlog  [][]byte
	failures int
	closed   bool
	served   bool // a stream has opened for this call
}

type (
	sttOpened struct {
		gen    int
		stream voice.STTStream
		err    error
	}
	sttEvent struct {
		gen int
		ev  voice.STTEvent
	}
	sttRetry struct{ gen int }
)

func (l *listener) open() {
	l.gen++
	gen, a := l.gen, l.a
	l.opening = true
	cfg, f := a.snap.Config, a.spec.Line.Format()
	a.spawn(func() {
		st, err := a.mgr.Providers.OpenSTT(a.ctx, &a.spec.CallInfo, cfg, f, func(ev voice.STTEvent) { a.send(&sttEvent{gen: gen, ev: ev}) })
		a.send(&sttOpened{gen: gen, stream: st, err: err})
	})
}

func (l *listener) receive(msg any) {
	a := l.a
	switch m := msg.(type) {
	case *sttOpened:
		if m.gen != l.gen || l.closed {
			if m.stream != nil {
				l.closeStream(m.stream)
			}
			return
		}
		l.opening = false
		if m.err != nil {
			if !l.served && errors.Is(m.err, voice.ErrNoCapacity) {
				a.refuse("stt", m.err)
				return
			}
			a.publish(events.ProviderError{Service: "stt", Error: m.err.Error(), Recovered: true})
			l.retryLater()
			return
		}
		l.stream, l.failures, l.served = m.stream, 0, true
		for _, f := range l.backlog {
			l.send(f)
		}
		l.backlog = nil
	case *sttEvent:
		if m.gen != l.gen {
			return
		}
		a.m.HandleSTT(a.now(), m.ev)
		if e, ok := m.ev.(*voice.STTError); ok && e.Fatal {
			// The stream is gone, even if its opening has not reached us
			// yet: a new generation makes that arrival stale.
			if l.stream != nil {
				l.closeStream(l.stream)
				l.stream = nil
			}
			l.gen++
			l.opening = false
			l.retryLater()
		}
	case *sttRetry:
		if m.gen == l.gen && !l.closed && l.stream == nil && !l.opening {
			l.open()
		}
	}
}

// retryLater reopens the stream after a backoff growing with failures.
func (l *listener) retryLater() {
	l.failures++
	wait := min(100*time.Millisecond<<min(l.failures, 10), maxRetryWait)
	gen, a := l.gen, l.a
	a.clk.AfterFunc(wait, func() { a.send(&sttRetry{gen: gen}) })
}

// audio forwards a caller frame, or keeps it until the stream is open.
func (l *listener) audio(frame []byte) {
	if l.stream != nil {
		l.send(frame)
		return
	}
	if len(l.backlog) == maxBacklog {
		l.backlog = l.backlog[1:]
	}
	l.backlog = append(l.backlog, frame)
}

func (l *listener) send(frame []byte) {
	if err := l.stream.SendAudio(frame); err != nil {
		l.a.log.Debug("caller audio not sent to recognition", "err", err)
	}
}

func (l *listener) finalize() {
	if l.stream != nil {
		_ = l.stream.Finalize()
	}
}

// reopen replaces the stream (after a configuration change).
func (l *listener) reopen() {
	if l.stream != nil {
		l.closeStream(l.stream)
		l.stream = nil
	}
	l.open()
}

func (l *listener) close() {
	l.closed = true
	if l.stream != nil {
		l.closeStream(l.stream)
		l.stream = nil
	}
}

// closeStream closes off the actor: a graceful close waits for the
// service's last results.
func (l *listener) closeStream(st voice.STTStream) {
	l.a.mgr.goTracked(func() { _ = st.Close() })
}
