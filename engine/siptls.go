package engine

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// SIPTLS is SIP over TLS: the listener, its certificate, and the extra
// authority trunks' certificates may be signed by.
type SIPTLS struct {
	Addr string // host:port; empty for no TLS listener
	// CertFile and KeyFile are the engine's certificate (PEM, the chain
	// first) and its key, for the host trunks reach it at.
	CertFile, KeyFile string
	// CAFile, when set, is a PEM bundle trusted beside the system's roots
	// to verify trunks reached over TLS (a private PBX's own authority).
	CAFile string
}

// load reads the certificate (when listening) and the roots: nil, the
// system's, without a CA file.
func (s SIPTLS) load() (tls.Certificate, *x509.CertPool, error) {
	var cert tls.Certificate
	if s.Addr != "" {
		if s.CertFile == "" || s.KeyFile == "" {
			return cert, nil, errors.New("engine: the SIP TLS listener needs a certificate and its key")
		}
		var err error
		if cert, err = tls.LoadX509KeyPair(s.CertFile, s.KeyFile); err != nil {
			return cert, nil, fmt.Errorf("engine: SIP TLS certificate: %w", err)
		}
	}
	if s.CAFile == "" {
		return cert, nil, nil
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return cert, nil, fmt.Errorf("engine: SIP TLS CA: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return cert, nil, fmt.Errorf("engine: SIP TLS CA: no PEM certificate in %s", s.CAFile)
	}
	return cert, roots, nil
}
