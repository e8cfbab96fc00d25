package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// With --tls-ca the fakes serve the models over TLS with HTTP/2, trusted
// through the authority they write, and keep the websocket fakes on the
// plain port.
func TestFakesServeTheModelsOverTLS(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runFakes(ctx, []string{"--addr", "127.0.0.1:0", "--key", "k", "--tls-ca", ca}, out, out)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fakes: %v", err)
		}
	}()
	testkit.Eventually(t, 10*time.Second, func() error {
		if !strings.Contains(out.String(), "Inject a fault") {
			return errors.New("the fakes printed no environment yet")
		}
		return nil
	})
	base := func(provider string) string {
		m := regexp.MustCompile(`export SWITCHBOARD_` + provider + `_BASE_URL=(\S+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no %s base URL in\n%s", provider, out)
		}
		return m[1]
	}
	if u := base("DEEPGRAM"); !strings.HasPrefix(u, "http://") {
		t.Errorf("the recogniser moved to %s", u)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", ca)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base("OPENAI")+"/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
		t.Fatalf("chat: %d over %s", resp.StatusCode, resp.Proto)
	}
}
