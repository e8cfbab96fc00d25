package call

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/voice"
)

// retryPolicy spaces out the attempts to reopen a failed stream.
var retryPolicy = backoff.Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second}

// streamGen numbers the streams a supervisor opens. Everything a stream
// posts carries its generation, so what a replaced stream posts late is
// recognised and dropped.
type streamGen uint64

// streamState is where a supervised stream stands.
type streamState uint8

const (
	streamOpening    streamState = iota // a dial is under way
	streamOpen                          // the stream is up
	streamBackingOff                    // it failed; a retry is scheduled
	streamClosed                        // the call is over, or gave up on it
)

// supervisor keeps one provider stream of a call up: it dials off the
// actor, redials with jittered backoff after a failure, gives up once the
// stream has been down longer than the call can bridge, and closes
// streams off the actor. The recogniser and the synthesiser each have one.
type supervisor[S io.Closer] struct {
	a       *callActor
	service string // "stt" or "tts", as events name it
	// provider names the configured provider, for events and metrics
	provider func() string
	bridge   time.Duration // how long the call can do without the stream
	dial     func(ctx context.Context, gen streamGen) (S, error)
	up       func(S)     // on the actor, once a stream is open
	failed   func()      // on the actor, after each failure
	gaveUp   func(error) // on the actor, when the call cannot go on without it
	// fallOver, if set, moves to the next configured provider after a
	// failure, reporting whether there was one: it is dialled at once
	fallOver func() bool

	state     streamState
	gen       streamGen
	cur       S
	has       bool // cur is a stream
	failures  int
	served    bool      // a stream has opened for this call
	downSince time.Time // while down: since when
	// unsettled are the failures since the stream was last up: whether
	// the call recovered from them is reported once it is known
	unsettled []failure
}

// failure is a stream failure not yet reported.
type failure struct {
	provider string
	err      error
}

// maxUnsettled bounds the failures kept for reporting; the oldest go.
const maxUnsettled = 8

// Messages a supervisor posts to its call.
type (
	streamOpened[S io.Closer] struct {
		gen streamGen
		s   S
		err error
	}
	streamRetry[S io.Closer] struct{ gen streamGen }
)

// open dials a new stream; whatever the previous dial or stream posts
// from now on is stale.
func (v *supervisor[S]) open() {
	v.gen++
	v.state = streamOpening
	gen, a, dial := v.gen, v.a, v.dial
	a.mgr.goTracked(a.log, func() {
		s, err := dial(a.ctx, gen)
		a.send(&streamOpened[S]{gen: gen, s: s, err: err})
	})
}

// opened takes a dial's result.
func (v *supervisor[S]) opened(m *streamOpened[S]) {
	if m.gen != v.gen || v.state != streamOpening {
		if m.err == nil {
			v.closeOff(m.s)
		}
		return
	}
	if m.err != nil {
		if !v.served && errors.Is(m.err, voice.ErrNoCapacity) {
			v.state = streamClosed
			v.a.refuse(v.service, m.err)
			return
		}
		v.fail(m.err)
		return
	}
	v.cur, v.has, v.state = m.s, true, streamOpen
	v.failures, v.served, v.downSince = 0, true, time.Time{}
	v.settle(true)
	v.up(m.s)
}

// settle reports the failures since the stream was last up: recovered
// (by reopening it, or by falling over to another provider) or not.
func (v *supervisor[S]) settle(recovered bool) {
	now := v.provider()
	for _, f := range v.unsettled {
		msg := f.err.Error()
		switch {
		case recovered && f.provider != now:
			msg += "; failed over to " + now
		case recovered:
			msg += "; reopened"
		}
		v.a.publish(events.ProviderError{Service: v.service, Provider: f.provider, Error: msg, Recovered: recovered})
	}
	v.unsettled = v.unsettled[:0]
}

// fail handles a stream that could not open or has died: it is closed,
// and reopened after a backoff, unless it has been down too long.
func (v *supervisor[S]) fail(err error) {
	a := v.a
	v.drop()
	v.gen++ // what the dead stream still posts is stale
	now := a.now()
	if v.downSince.IsZero() {
		v.downSince = now
	}
	if len(v.unsettled) == maxUnsettled {
		v.unsettled = append(v.unsettled[:0], v.unsettled[1:]...)
	}
	v.unsettled = append(v.unsettled, failure{provider: v.provider(), err: err})
	if now.Sub(v.downSince) >= v.bridge {
		v.state = streamClosed
		v.settle(false)
		v.gaveUp(err)
		return
	}
	v.failed()
	if v.fallOver != nil && v.fallOver() {
		v.open()
		return
	}
	v.state = streamBackingOff
	v.failures++
	gen := v.gen
	a.clk.AfterFunc(retryPolicy.Wait(v.failures, 0), func() { a.send(&streamRetry[S]{gen: gen}) })
}

// retry reopens after a backoff.
func (v *supervisor[S]) retry(m *streamRetry[S]) {
	if m.gen == v.gen && v.state == streamBackingOff {
		v.open()
	}
}

// reopen replaces the stream (a configuration change).
func (v *supervisor[S]) reopen() {
	if v.state == streamClosed {
		return
	}
	v.drop()
	v.open()
}

// close closes the stream for good.
func (v *supervisor[S]) close() {
	v.drop()
	v.state = streamClosed
}

// stream returns the open stream, if any.
func (v *supervisor[S]) stream() (S, bool) { return v.cur, v.has }

func (v *supervisor[S]) drop() {
	if v.has {
		v.closeOff(v.cur)
		var zero S
		v.cur, v.has = zero, false
	}
}

// closeOff closes a stream off the actor: a graceful close waits for the
// service's last results.
func (v *supervisor[S]) closeOff(s S) {
	v.a.mgr.goTracked(v.a.log, func() { _ = s.Close() })
}
