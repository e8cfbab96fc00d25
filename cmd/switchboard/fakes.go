package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/providers"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// runFakes serves every provider fake on loopback until interrupted, and
// prints how to point an engine at them.
func runFakes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("SWITCHBOARD_FAKES_ADDR", "127.0.0.1:9300"), "listen address (SWITCHBOARD_FAKES_ADDR)")
	key := fs.String("key", envOr("SWITCHBOARD_FAKES_KEY", "fake-key"), "the API key every fake demands (SWITCHBOARD_FAKES_KEY)")
	scriptPath := fs.String("script", os.Getenv("SWITCHBOARD_FAKES_SCRIPT"), "JSON script of the models' answers (SWITCHBOARD_FAKES_SCRIPT); default: echo the caller")
	caPath := fs.String("tls-ca", os.Getenv("SWITCHBOARD_FAKES_TLS_CA"), "also serve over TLS with HTTP/2, on a second port, and point the models (with OpenAI's speech and embeddings) there, as production reaches them; the certificate authority made for this run is written to this file, for the engine to trust (SSL_CERT_FILE) (SWITCHBOARD_FAKES_TLS_CA)")
	var o fakes.Options
	fs.DurationVar(&o.STTDelay, "stt-delay", envDuration("SWITCHBOARD_FAKES_STT_DELAY", 60*time.Millisecond), "recognizer processing latency (SWITCHBOARD_FAKES_STT_DELAY)")
	fs.DurationVar(&o.LLM.FirstToken, "llm-first-token", envDuration("SWITCHBOARD_FAKES_LLM_FIRST_TOKEN", 250*time.Millisecond), "models' time to first token (SWITCHBOARD_FAKES_LLM_FIRST_TOKEN)")
	fs.Float64Var(&o.LLM.TokensPerSecond, "llm-tokens-per-second", envFloat("SWITCHBOARD_FAKES_LLM_TOKENS_PER_SECOND", 60), "models' token rate; 0 for unpaced (SWITCHBOARD_FAKES_LLM_TOKENS_PER_SECOND)")
	fs.DurationVar(&o.TTSFirstByte, "tts-first-byte", envDuration("SWITCHBOARD_FAKES_TTS_FIRST_BYTE", 150*time.Millisecond), "synthesizers' time to first audio (SWITCHBOARD_FAKES_TTS_FIRST_BYTE)")
	fs.Float64Var(&o.TTSSpeed, "tts-speed", envFloat("SWITCHBOARD_FAKES_TTS_SPEED", 4), "synthesizers' audio rate, in multiples of real time; 0 for unpaced (SWITCHBOARD_FAKES_TTS_SPEED)")
	fs.DurationVar(&o.Embeddings, "embeddings-latency", envDuration("SWITCHBOARD_FAKES_EMBEDDINGS_LATENCY", 40*time.Millisecond), "the embeddings endpoint's latency per request (SWITCHBOARD_FAKES_EMBEDDINGS_LATENCY)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.Key = *key
	if *scriptPath != "" {
		f, err := os.Open(*scriptPath)
		if err != nil {
			return fmt.Errorf("%w: --script: %w", errUsage, err)
		}
		o.Script, err = openaifake.LoadScript(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%w: --script %s: %w", errUsage, *scriptPath, err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	listeners := []net.Listener{ln}
	if *caPath != "" {
		tln, err := listenTLS(ln.Addr(), *caPath)
		if err != nil {
			return err
		}
		defer tln.Close()
		listeners = append(listeners, tln)
		o.ModelsRoot = "https://" + tln.Addr().String()
	}
	fk, err := fakes.New(o)
	if err != nil {
		return err
	}
	defer fk.Close()
	root := "http://" + ln.Addr().String()
	printFakes(stdout, fk, root, o.ModelsRoot, *key)

	// One server for both listeners: it speaks HTTP/2 on the TLS one, where
	// the client offers it.
	srv := &http.Server{Handler: fk, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, len(listeners))
	for _, l := range listeners {
		go func() { served <- srv.Serve(l) }()
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fk.Close() // ends stalled streams, which Shutdown would wait for
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// listenTLS listens on a free port of plain's host, with a certificate for
// 127.0.0.1 from an authority made now, written to caPath as PEM. It
// offers HTTP/2 (h2) before HTTP/1.1, as providers' APIs do.
func listenTLS(plain net.Addr, caPath string) (net.Listener, error) {
	pki, err := siptest.NewPKI()
	if err != nil {
		return nil, fmt.Errorf("fakes: TLS: %w", err)
	}
	if err := os.WriteFile(caPath, pki.CAPEM, 0o644); err != nil {
		return nil, fmt.Errorf("%w: --tls-ca: %w", errUsage, err)
	}
	host, _, err := net.SplitHostPort(plain.String())
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("fakes: TLS: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.Cert}, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
	return tls.NewListener(ln, cfg), nil
}

func printFakes(w io.Writer, fk *fakes.Fakes, root, models, key string) {
	fmt.Fprintf(w, "Provider fakes listening on %s\n", root)
	if models != "" {
		fmt.Fprintf(w, "The models' endpoints also over TLS (HTTP/2) on %s\n", models)
	}
	fmt.Fprintln(w)
	urls := fk.BaseURLs(root)
	names := make([]string, 0, len(urls))
	for p := range urls {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		fmt.Fprintf(w, "  %-11s %s\n", p, urls[p])
	}
	fmt.Fprintln(w, "\nPoint an engine at them:")
	for _, kv := range fk.Env(root) {
		fmt.Fprintf(w, "  export %s\n", kv)
	}
	for _, p := range names {
		fmt.Fprintf(w, "  export %s=%s\n", providers.KeyVariable(p), key)
	}
	fmt.Fprintf(w, "\nInject a fault (targets: %v):\n  curl -X POST '%s/_faults/openai?kind=rate-limited&count=1'\n  curl -X DELETE %s/_faults/openai\n",
		fk.Targets(), root, root)
}
