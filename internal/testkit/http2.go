package testkit

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// SharesHTTP2 fails the test unless tr, reaching a TLS server that offers
// HTTP/2 as providers' APIs do, speaks HTTP/2 and carries two overlapping
// streams on one connection. Over HTTP/1.1 each streaming reply holds a
// connection of its own, and with it two of net/http's goroutines.
// tr must be unused: it is made to trust the test server's certificate
// (its TLSClientConfig is replaced) and its connections are closed at the
// end.
func SharesHTTP2(t testing.TB, tr *http.Transport) {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto+" from "+r.RemoteAddr+"\n")
		w.(http.Flusher).Flush()
		<-release // the stream stays open, as a reply still streaming
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	defer tr.CloseIdleConnections()
	defer close(release)
	tr.TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	var first string
	for i := range 2 { // the second starts while the first streams
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("stream %d: %v", i, err)
		}
		defer resp.Body.Close()
		got, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil {
			t.Fatalf("stream %d: %v", i, err)
		}
		if !strings.HasPrefix(got, "HTTP/2.0 ") {
			t.Fatalf("stream %d: the server saw %q, want HTTP/2.0", i, got)
		}
		if i == 0 {
			first = got
		} else if got != first {
			t.Fatalf("overlapping streams took two connections: %q, then %q", first, got)
		}
	}
}
