package sse

import (
	"testing"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// The models' replies stream over HTTP/2 from providers that offer it
// (all of the hosted ones do), many replies sharing a connection: the
// transport's own dialer would otherwise keep net/http to HTTP/1.1, a
// connection and two goroutines per reply streaming.
func TestClientSpeaksHTTP2(t *testing.T) {
	testkit.SharesHTTP2(t, newTransport())
}
