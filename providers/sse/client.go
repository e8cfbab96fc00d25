package sse

import (
	"net"
	"net/http"
	"time"
)

// Timeouts of the shared client. None bounds a whole request: a reply may
// stream for minutes; Stream's idle timeout catches a silent server.
const (
	dialTimeout           = 5 * time.Second
	tlsHandshakeTimeout   = 5 * time.Second
	responseHeaderTimeout = 60 * time.Second
	idleConnTimeout       = 90 * time.Second
	http2PingAfter        = 15 * time.Second // ping an HTTP/2 connection silent this long
	http2PingTimeout      = 5 * time.Second  // and drop it if the ping is not answered
)

var client = &http.Client{Transport: newTransport()}

// Client returns the HTTP client shared by the process's streaming clients,
// so that calls to one provider reuse warm connections: keep-alive with many
// idle connections per host (thousands of calls talk to a handful of hosts),
// HTTP/2 where the server offers it, with pings to detect dead connections.
// Compression is off: a gzipped event stream would be buffered, delaying
// tokens, and costs CPU for small events.
func Client() *http.Client { return client }

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = tlsHandshakeTimeout
	t.ResponseHeaderTimeout = responseHeaderTimeout
	t.IdleConnTimeout = idleConnTimeout
	t.MaxIdleConns = 4096
	t.MaxIdleConnsPerHost = 1024
	t.ForceAttemptHTTP2 = true
	t.DisableCompression = true
	t.HTTP2 = &http.HTTP2Config{SendPingTimeout: http2PingAfter, PingTimeout: http2PingTimeout}
	return t
}
