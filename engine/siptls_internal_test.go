package engine

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// The SIP TLS settings are checked at start: a listener needs a
// certificate and its key, and a CA file must hold a PEM certificate,
// which is then trusted.
func TestSIPTLSLoad(t *testing.T) {
	pki, err := siptest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cert, key, ca, notPEM := file("cert.pem", pki.CertPEM), file("key.pem", pki.KeyPEM), file("ca.pem", pki.CAPEM), file("ca.txt", []byte("no"))
	for name, c := range map[string]struct {
		s    SIPTLS
		want string
	}{
		"no key":       {SIPTLS{Addr: "127.0.0.1:0", CertFile: cert}, "certificate and its key"},
		"wrong key":    {SIPTLS{Addr: "127.0.0.1:0", CertFile: cert, KeyFile: ca}, "SIP TLS certificate"},
		"CA not PEM":   {SIPTLS{CAFile: notPEM}, "no PEM certificate"},
		"CA not found": {SIPTLS{CAFile: filepath.Join(dir, "missing.pem")}, "SIP TLS CA"},
	} {
		if _, _, err := c.s.load(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	got, roots, err := SIPTLS{Addr: "127.0.0.1:0", CertFile: cert, KeyFile: key, CAFile: ca}.load()
	if err != nil || len(got.Certificate) != 1 || roots == nil {
		t.Fatalf("loaded %d certificates, roots %v: %v", len(got.Certificate), roots != nil, err)
	}
	if _, err := got.Leaf.Verify(x509.VerifyOptions{Roots: roots}); err != nil {
		t.Fatalf("the CA file's authority is not trusted: %v", err)
	}
	if _, roots, err := (SIPTLS{}).load(); err != nil || roots != nil {
		t.Fatalf("without a CA file: roots %v, %v (want the system's: nil)", roots, err)
	}
}
