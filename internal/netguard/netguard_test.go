package netguard

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

func TestPublic(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true, "127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fc00::1": false, "100.64.0.1": false,
		"0.0.0.0": false, "::ffff:127.0.0.1": false, "224.0.0.1": false, "255.255.255.255": false,
	} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v", s, got)
		}
	}
}

// A request to a loopback server is refused at connect time, named or not.
func TestTransportRefusesLocalAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	c := &http.Client{Transport: Transport()}
	for _, u := range []string{srv.URL, "http://localhost:" + srv.URL[len("http://127.0.0.1:"):]} {
		_, err := c.Get(u)
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("GET %s: %v", u, err)
		}
	}
}

// A URL whose host is or resolves to a non-public address is refused
// before any request; a public literal passes without a lookup.
func TestCheckURL(t *testing.T) {
	for raw, blocked := range map[string]bool{
		"http://127.0.0.1:8080/hook": true, "http://localhost/hook": true, "https://[::1]/x": true,
		"http://10.0.0.7/x": true, "http://169.254.169.254/latest": true, "https://8.8.8.8/hook": false,
	} {
		err := CheckURL(t.Context(), raw)
		if got := errors.Is(err, ErrBlocked); got != blocked {
			t.Errorf("CheckURL(%s) = %v, blocked want %v", raw, err, blocked)
		}
		if !blocked && err != nil {
			t.Errorf("CheckURL(%s) = %v", raw, err)
		}
	}
	if err := CheckURL(t.Context(), "no host"); err == nil || errors.Is(err, ErrBlocked) {
		t.Errorf("CheckURL(no host) = %v, want a parse error", err)
	}
}

// Webhooks and tools reach tenants' HTTPS servers over HTTP/2 where they
// offer it. The test dials loopback itself, which the guard refuses;
// whether HTTP/2 is attempted does not depend on which dialer is set.
func TestTransportSpeaksHTTP2(t *testing.T) {
	tr := Transport()
	tr.DialContext = (&net.Dialer{}).DialContext
	testkit.SharesHTTP2(t, tr)
}
