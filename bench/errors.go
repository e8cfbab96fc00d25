package bench

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
)

// errorCounts counts what went wrong during a run, by kind.
type errorCounts struct {
	mu sync.Mutex
	m  map[string]int
}

func (e *errorCounts) add(kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]int{}
	}
	e.m[kind]++
}

func (e *errorCounts) snapshot() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.m)
}

func (e *errorCounts) total() int { return total(e.snapshot()) }

// stepError is a caller's script step that did not happen.
type stepError struct {
	kind string
	err  error
}

func (e *stepError) Error() string { return e.kind + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func failed(kind string, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{kind: kind, err: err}
}

// kindOf names an error for the counts.
func kindOf(err error) string {
	if se, ok := errors.AsType[*stepError](err); ok {
		return se.kind
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return err.Error()
}

// logCounter counts the engine's warnings and errors by message: an
// in-process engine's own account of what went wrong.
type logCounter struct{ errs *atomic.Pointer[errorCounts] }

func (l *logCounter) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn
}

func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	l.errs.Load().add("engine " + r.Level.String() + ": " + r.Message)
	return nil
}

func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }
