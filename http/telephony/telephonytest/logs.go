package telephonytest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// Logs is a slog handler keeping every record, so tests can check that a
// reason was logged (and that secrets and audio were not). With
// SWITCHBOARD_TEST_LOG=1 records are also printed to stderr.
type Logs struct {
	mu      sync.Mutex
	records []string
	attrs   []slog.Attr
	root    *Logs
	echo    bool
}

// NewLogs returns an empty log.
func NewLogs() *Logs {
	l := &Logs{echo: os.Getenv("SWITCHBOARD_TEST_LOG") == "1"}
	l.root = l
	return l
}

// Enabled implements slog.Handler.
func (l *Logs) Enabled(context.Context, slog.Level) bool { return true }

// Handle implements slog.Handler.
func (l *Logs) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range l.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	root := l.root
	root.mu.Lock()
	root.records = append(root.records, b.String())
	root.mu.Unlock()
	if root.echo {
		fmt.Fprintln(os.Stderr, b.String())
	}
	return nil
}

// WithAttrs implements slog.Handler.
func (l *Logs) WithAttrs(as []slog.Attr) slog.Handler {
	return &Logs{root: l.root, attrs: append(append([]slog.Attr(nil), l.attrs...), as...)}
}

// WithGroup implements slog.Handler (groups are flattened).
func (l *Logs) WithGroup(string) slog.Handler { return l }

// Find returns the records containing every one of parts.
func (l *Logs) Find(parts ...string) []string {
	root := l.root
	root.mu.Lock()
	defer root.mu.Unlock()
	var out []string
next:
	for _, r := range root.records {
		for _, p := range parts {
			if !strings.Contains(r, p) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// All returns every record.
func (l *Logs) All() string {
	root := l.root
	root.mu.Lock()
	defer root.mu.Unlock()
	return strings.Join(root.records, "\n")
}
