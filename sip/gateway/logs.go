package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// throttled passes on at most one record per message and interval: the
// SIP stack logs every datagram it cannot parse, and garbage from the
// network must not flood the log.
type throttled struct {
	slog.Handler
	every time.Duration
	state *throttleState
}

type throttleState struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func throttle(h slog.Handler, every time.Duration) slog.Handler {
	return throttled{Handler: h, every: every, state: &throttleState{last: map[string]time.Time{}}}
}

func (t throttled) Handle(ctx context.Context, r slog.Record) error {
	st := t.state
	st.mu.Lock()
	if last, ok := st.last[r.Message]; ok && r.Time.Sub(last) < t.every {
		st.mu.Unlock()
		return nil
	}
	if len(st.last) > 1000 { // messages are the stack's constants; bound it anyway
		clear(st.last)
	}
	st.last[r.Message] = r.Time
	st.mu.Unlock()
	return t.Handler.Handle(ctx, r)
}

func (t throttled) WithAttrs(as []slog.Attr) slog.Handler {
	return throttled{Handler: t.Handler.WithAttrs(as), every: t.every, state: t.state}
}

func (t throttled) WithGroup(name string) slog.Handler {
	return throttled{Handler: t.Handler.WithGroup(name), every: t.every, state: t.state}
}
