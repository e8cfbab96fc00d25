package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
)

// startEngine builds an engine in this process over a fresh database on
// the server of databaseURL, with the provider fakes on loopback, and
// provisions its assistants. The engine's warnings and errors are counted
// with the run's. With sip, it listens for SIP and the calls come over
// SIP from a trunk on loopback.
func startEngine(ctx context.Context, databaseURL string, lat Latencies, sip bool) (_ *system, err error) {
	s := &system{numbers: map[bool]string{}}
	s.errs.Store(&errorCounts{})
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	pool, drop, err := freshDatabase(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, drop)
	fakesEnv, stopFakes, err := serveFakes(lat, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, stopFakes)
	dataDir, err := os.MkdirTemp("", "switchboard-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	s.closers = append(s.closers, func() { _ = os.RemoveAll(dataDir) })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	url := "http://" + ln.Addr().String()
	acct := newAccount()
	cloud, err := s.addCloud(url, acct)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	env := map[string]string{}
	for _, kv := range fakesEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	box, err := secrets.NewBox(random(secrets.KeySize))
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	sipAddr := ""
	if sip {
		sipAddr = "127.0.0.1:0"
	}
	eng, err := engine.New(engine.Config{SIPAddr: sipAddr, Log: slog.New(&logCounter{errs: &s.errs}), Pool: pool, Sealer: box, Secret: random(32),
		PublicURL: url, DataDir: dataDir, Getenv: func(k string) string { return env[k] },
		CarrierAPIs: map[string]string{"twilio": cloud.URL()}, AllowPrivateURLs: true})
	if err != nil {
		_ = ln.Close()
		cloud.Close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	s.stages = func() ([]byte, error) {
		var b bytes.Buffer
		eng.Metrics.WritePrometheus(&b)
		return b.Bytes(), nil
	}
	go func() { _ = eng.Serve(ln) }()
	s.closers = append(s.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = eng.Shutdown(ctx, "")
	}, cloud.Close)

	key, err := adminKey(ctx, eng.Store)
	if err != nil {
		return nil, err
	}
	if sip {
		s.sip = eng.Gateways.SIP.Addr().(*net.UDPAddr).AddrPort()
		if err := addTrunk(ctx, url, key); err != nil {
			return nil, err
		}
	}
	for _, spec := range []bool{false, true} {
		if s.numbers[spec], err = provision(ctx, url, key, lat, acct, spec, sip); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// adminKey creates the benchmark's organization, user and API key.
func adminKey(ctx context.Context, store *persistence.Store) (string, error) {
	org, err := store.EnsureOrganization(ctx, "Switchboard bench")
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	user, err := store.EnsureUser(ctx, org.ID, "bench@switchboard.local", auth.RoleAdmin)
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	key, digest, display, err := auth.NewKey()
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	if _, err := store.CreateAPIKey(ctx, org.ID, user, "bench", digest, display); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	return key, nil
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
