package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/demo"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// demoOrganization is the organization `make run` creates its admin key
// for: the demo assistant is listed with that key.
const demoOrganization = "Local"

// demoTwilioAPI is where `switchboard call` serves its fake Twilio REST
// API: the demo engine's carrier relays its calls' requests there
// (hang-ups, transfers), and rings it when it answers (--answer).
const demoTwilioAPI = "127.0.0.1:9302"

// softphoneAPI is where the softphone's REST API listens, for both sides.
func softphoneAPI() string { return envOr("SWITCHBOARD_CALL_API_ADDR", demoTwilioAPI) }

// wantDemo decides whether serve runs the demo: "on", "off", or "auto",
// which is on when the environment holds no provider key.
func wantDemo(mode string, getenv func(string) string) (bool, error) {
	switch mode {
	case "on":
		return true, nil
	case "off":
		return false, nil
	case "auto":
		return !providers.KeyInEnvironment(getenv), nil
	}
	return false, fmt.Errorf("%w: --demo %q: want auto, on or off", errUsage, mode)
}

// demoProviders are the provider fakes a demo engine talks to, served on
// loopback in-process.
type demoProviders struct {
	fakes *fakes.Fakes
	srv   *http.Server
	env   map[string]string // the fakes' base URLs and key, by variable
}

// startDemoProviders serves the fakes with realistic latencies and the
// demo's script.
func startDemoProviders() (*demoProviders, error) {
	fk, err := fakes.New(fakes.Options{Script: demo.Script, STTDelay: 60 * time.Millisecond,
		LLM:          openaifake.Latency{FirstToken: 250 * time.Millisecond, TokensPerSecond: 60},
		TTSFirstByte: 150 * time.Millisecond, TTSSpeed: 4, Embeddings: 40 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fk.Close()
		return nil, fmt.Errorf("demo providers: %w", err)
	}
	root := "http://" + ln.Addr().String()
	d := &demoProviders{fakes: fk, srv: &http.Server{Handler: fk, ReadHeaderTimeout: 10 * time.Second},
		env: map[string]string{}}
	for _, kv := range fk.Env(root) {
		k, v, _ := strings.Cut(kv, "=")
		d.env[k] = v
	}
	for p := range fk.BaseURLs(root) {
		if k := providers.KeyVariable(p); k != "" {
			d.env[k] = "demo" // the fakes accept any key
		}
	}
	go func() { _ = d.srv.Serve(ln) }()
	return d, nil
}

// getenv is the engine's environment: the fakes' variables over the
// process's own.
func (d *demoProviders) getenv(name string) string {
	if v, ok := d.env[name]; ok {
		return v
	}
	return os.Getenv(name)
}

// Close stops the fakes; streams still open end.
func (d *demoProviders) Close() {
	d.fakes.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		_ = d.srv.Close()
	}
}

// setUpDemo creates the demo assistant and tells how to call it.
func setUpDemo(ctx context.Context, eng *engine.Engine, stdout io.Writer) error {
	info, err := demo.Setup(ctx, eng, demoOrganization)
	if err != nil {
		return err
	}
	env := ""
	if u := os.Getenv("DATABASE_URL"); u != "" && u != persistence.DefaultDSN {
		env = "DATABASE_URL='" + u + "' "
	}
	fmt.Fprintf(stdout, "\nDemo mode: speech and models run on the built-in provider fakes.\n"+
		"  Assistant %d (%q, organization %q) answers %s on a fake Twilio account.\n"+
		"  Call it from another terminal:  %sbin/switchboard call --assistant %d\n"+
		"  Its outbound calls (POST /api/v1/calls/outbound) ring a built-in callee, or  bin/switchboard call --answer\n",
		info.AssistantID, demo.Name, demoOrganization, info.Number, env, info.AssistantID)
	return nil
}
