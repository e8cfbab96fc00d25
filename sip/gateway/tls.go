package gateway

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"

	"github.com/emiago/sipgo/sip"
)

// ErrNoTLS is a call through a trunk whose transport is tls from an
// engine without its TLS listener: the trunk's requests in the dialog
// would have nowhere to come back to.
var ErrNoTLS = errors.New("sip: the trunk's outbound_transport is tls, and the engine has no SIP TLS listener")

// contacts are the engine's Contact for each transport: a far end sends
// its requests in a dialog (BYE, re-INVITE) over the transport the
// Contact names, so a dialog begun over TCP or TLS stays on it.
type contacts struct {
	udp, tcp, tls sip.ContactHeader
}

// contactFor is the engine's Contact for a dialog over transport ("UDP",
// "TCP" or "TLS", as sipgo names them).
func (g *Gateway) contactFor(transport string) *sip.ContactHeader {
	switch transport {
	case "TCP":
		return &g.contacts.tcp
	case "TLS":
		return &g.contacts.tls
	default:
		return &g.contacts.udp
	}
}

func withTransport(uri sip.Uri, transport string) sip.ContactHeader {
	c := sip.ContactHeader{Address: *uri.Clone()}
	c.Address.UriParams = sip.NewParams()
	c.Address.UriParams.Add("transport", transport)
	return c
}

// ListenTLS serves SIP over TLS (RFC 3261 §26.2) on addr with cert, the
// engine's certificate for its host; Listen comes first (it settles the
// address advertised). Trunks sending calls over TLS reach it, and calls
// placed through trunks whose transport is tls need it: their requests
// in the dialog come back to it.
func (g *Gateway) ListenTLS(addr string, cert tls.Certificate) error {
	if g.udp == nil {
		return errors.New("sip: ListenTLS before Listen")
	}
	l, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return fmt.Errorf("sip: listen on %s/tls: %w", addr, err)
	}
	g.tls = l
	port := l.Addr().(*net.TCPAddr).Port
	g.contacts.tls = withTransport(sip.Uri{Host: g.cfg.MediaAddr.String(), Port: port}, "tls")
	g.served.Add(1)
	go func() { defer g.served.Done(); _ = g.server.ServeTLS(l) }()
	g.log.Info("SIP listening over TLS", "addr", l.Addr().String())
	return nil
}

// TLSAddr is where the gateway listens for SIP over TLS, nil without
// ListenTLS.
func (g *Gateway) TLSAddr() net.Addr {
	if g.tls == nil {
		return nil
	}
	return g.tls.Addr()
}
