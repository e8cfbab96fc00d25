// Package enginetest runs a real engine on loopback for tests and
// benchmarks: a fresh migrated database, a secrets box, a data directory,
// and an API key per organization asked for.
package enginetest

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// Server is an engine serving on loopback.
type Server struct {
	*engine.Engine
	URL string // http://127.0.0.1:port
	tb  testing.TB
}

// Start builds an engine over a fresh database, lets configure adjust its
// configuration (nil for none), serves it, and shuts it down when the test
// ends.
func Start(tb testing.TB, configure func(*engine.Config)) *Server {
	tb.Helper()
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg := engine.Config{Log: slog.New(slog.DiscardHandler), Pool: pgtest.Pool(tb), Sealer: box, DataDir: tb.TempDir(),
		Secret: []byte("enginetest-secret-0123456789abcdef"), PublicURL: url, AllowPrivateURLs: true}
	if configure != nil {
		configure(&cfg)
	}
	eng, err := engine.New(cfg)
	if err != nil {
		_ = ln.Close()
		tb.Fatal(err)
	}
	go func() { _ = eng.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := eng.Shutdown(ctx, ""); err != nil {
			tb.Errorf("engine shutdown: %v", err)
		}
	})
	return &Server{Engine: eng, URL: url, tb: tb}
}

// Key creates organization org (if new) with a user, and returns the
// organization's ID and a new API key of that user.
func (s *Server) Key(org string) (int64, string) {
	s.tb.Helper()
	return NewKey(s.tb, s.Store, org, strings.ToLower(strings.ReplaceAll(org, " ", "-"))+"@switchboard.test")
}

// NewKey creates organization org (if new) and its user email (if new),
// and returns the organization's ID and a new API key of that user.
func NewKey(tb testing.TB, store *persistence.Store, org, email string) (int64, string) {
	tb.Helper()
	ctx := context.Background()
	o, err := store.EnsureOrganization(ctx, org)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := store.EnsureUser(ctx, o.ID, email, auth.RoleAdmin)
	if err != nil {
		tb.Fatal(err)
	}
	key, digest, display, err := auth.NewKey()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := store.CreateAPIKey(ctx, o.ID, u, "test", digest, display); err != nil {
		tb.Fatal(err)
	}
	return o.ID, key
}
