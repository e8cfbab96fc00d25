// Package llmfallback answers from the first of several language model
// providers that works: when one fails before its first token, the next
// gets the same request. Once a provider has produced its first token it
// answers alone: its later errors are final, so no text is ever repeated.
// A provider that stalls mid-reply is cut off at the stall deadline, and
// the next generation starts with the provider after it.
package llmfallback

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultFirstTokenTimeout is how long a provider may take to its first
// token before the next is tried: past it a caller hears dead air.
const DefaultFirstTokenTimeout = 3 * time.Second

// DefaultStallTimeout is the longest gap between a reply's events once it
// has started: a provider silent for longer has stalled, and the caller
// hears an apology now rather than a fragment half a minute later.
const DefaultStallTimeout = 5 * time.Second

// Provider is one model in the chain.
type Provider struct {
	Name string // as reported in LLMServed.FailedProviders, e.g. "openai"
	LLM  voice.LLM
}

// Options tune the fallback.
type Options struct {
	// FirstTokenTimeout bounds each provider's wait for its first token,
	// except the last provider's, which has no one to hand over to;
	// 0 means DefaultFirstTokenTimeout.
	FirstTokenTimeout time.Duration
	// StallTimeout bounds the gap between a reply's events after its first,
	// every provider's, the last one's too; 0 means DefaultStallTimeout.
	StallTimeout time.Duration
	Clock        clock.Clock // nil: the real clock
	// Sticky starts each generation with the provider that answered the
	// last one, trying the others after it in order, so a dead primary
	// costs one failure rather than one per turn. Burki keeps a call on
	// its fallback the same way; build one LLM per call to scope it so.
	Sticky bool
}

// LLM is a voice.LLM that falls back from provider to provider. It is
// safe for concurrent use.
type LLM struct {
	providers []Provider
	timeout   time.Duration
	stall     time.Duration
	clock     clock.Clock
	sticky    bool
	last      atomic.Int32 // index of the provider that answered last, if sticky
}

var _ voice.LLM = (*LLM)(nil)

// New returns an LLM trying providers in order: the primary first.
func New(opts Options, providers ...Provider) *LLM {
	l := &LLM{providers: providers, timeout: opts.FirstTokenTimeout, stall: opts.StallTimeout, clock: opts.Clock, sticky: opts.Sticky}
	if l.timeout <= 0 {
		l.timeout = DefaultFirstTokenTimeout
	}
	if l.stall <= 0 {
		l.stall = DefaultStallTimeout
	}
	if l.clock == nil {
		l.clock = clock.Real{}
	}
	return l
}

// Generate streams the reply of the first provider to produce a token.
// A provider is skipped when it fails before its first token with a
// connection or stream error, a 401, 403, 408, 429 or 5xx status, or no
// first token within the deadline; any other error (a 400, say) would
// recur elsewhere and is returned at once. Only the answering provider's
// events reach emit, starting with its LLMServed, marked Fallback with the
// names of the providers that failed; its FirstToken is that provider's
// own, from its request. A reply that stalls after its first event ends
// with ErrStalled; when sticky, the next generation starts with the
// provider after the one that stalled.
func (l *LLM) Generate(ctx context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	if len(l.providers) == 0 {
		return ErrNoProviders
	}
	var failed []string
	var errs []error
	n, first := len(l.providers), 0
	if l.sticky {
		first = int(l.last.Load())
	}
	for k := range n {
		i := (first + k) % n
		p := l.providers[i]
		committed, err := l.attempt(ctx, p, req, emit, failed, k == n-1)
		if committed {
			if l.sticky {
				if errors.Is(err, ErrStalled) {
					i = (i + 1) % n
				}
				l.last.Store(int32(i))
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs = append(errs, fmt.Errorf("%s: %w", p.Name, err))
		if !Retryable(err) {
			return errors.Join(errs...)
		}
		failed = append(failed, p.Name)
	}
	return fmt.Errorf("%w: %w", ErrAllFailed, errors.Join(errs...))
}

// Retryable reports whether an error before the first token is worth
// another provider: anything but a status that the request itself caused.
func Retryable(err error) bool {
	var se *sse.StatusError
	if errors.As(err, &se) {
		s := se.Status
		return s == 401 || s == 403 || s == 408 || s == 429 || s >= 500
	}
	return true // connection, stream and timeout failures
}

// An attempt's state: it waits for its first event, then either commits
// to the provider (the event came first) or abandons it (the deadline
// came first, or the provider finished without a word). A committed
// provider silent past the stall deadline is stalled: cut off, its
// reply ended.
const (
	waiting = iota
	committed
	abandoned
	stalled
)

// attempt runs one provider. committed reports that it produced its first
// event, which makes err final.
func (l *LLM) attempt(ctx context.Context, p Provider, req voice.LLMRequest, emit func(voice.LLMEvent), failed []string, last bool) (bool, error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	state := waiting
	if !last {
		t := l.clock.AfterFunc(l.timeout, func() {
			mu.Lock()
			defer mu.Unlock()
			if state == waiting {
				state = abandoned
				cancel()
			}
		})
		defer t.Stop()
	}
	stall := l.clock.AfterFunc(l.stall, func() {
		mu.Lock()
		defer mu.Unlock()
		if state == committed {
			state = stalled
			cancel()
		}
	})
	stall.Stop() // armed after each event once committed
	defer stall.Stop()
	rearm := func() {
		mu.Lock()
		defer mu.Unlock()
		if state == committed {
			stall.Reset(l.stall)
		}
	}
	forward := func(e voice.LLMEvent) {
		mu.Lock()
		s := state
		if s == waiting {
			state = committed
		}
		if s == waiting || s == committed {
			stall.Stop() // a slow consumer is not a stalled provider
			defer rearm()
		}
		mu.Unlock()
		switch s {
		case abandoned, stalled:
			return // a late token from a provider already replaced or cut off
		case committed:
			emit(e)
			return
		}
		served, ok := e.(*voice.LLMServed)
		if !ok { // a provider that does not announce itself
			served = &voice.LLMServed{}
		}
		out := *served
		if out.Provider == "" {
			out.Provider = p.Name
		}
		out.Fallback, out.FailedProviders = len(failed) > 0, append([]string(nil), failed...)
		emit(&out)
		if !ok {
			emit(e)
		}
	}
	err := p.LLM.Generate(actx, req, forward)
	mu.Lock()
	s := state
	if s == waiting || s == committed {
		state = abandoned // late timers and events are ignored from now on
	}
	mu.Unlock()
	switch {
	case s == stalled:
		return true, fmt.Errorf("%s: %w", p.Name, ErrStalled)
	case s == committed:
		return true, err
	case s == abandoned:
		return false, ErrFirstTokenTimeout
	case err == nil: // finished without a word: nothing to repeat, nothing to fall back for
		return true, nil
	}
	return false, err
}
