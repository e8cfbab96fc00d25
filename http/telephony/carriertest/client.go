package carriertest

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fasthttp/websocket"
)

// Client is how a fake carrier reaches the engine. Carriers are told the
// engine's public URL (https://switchboard.test), which requests are
// signed over; the engine really listens elsewhere (http://127.0.0.1:port),
// as behind a TLS-terminating proxy, so requests go there.
type Client struct {
	engine, public string
	http           *http.Client
	dialer         *websocket.Dialer
}

// NewClient reaches the engine listening at engine for URLs under public.
func NewClient(engine, public string) *Client {
	return &Client{engine: engine, public: strings.TrimSuffix(public, "/"),
		http:   &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		dialer: &websocket.Dialer{HandshakeTimeout: 10 * time.Second, NetDialContext: (&net.Dialer{}).DialContext}}
}

// Real maps a public URL onto the engine's real address; a URL elsewhere
// is left as it is.
func (c *Client) Real(publicURL string) string {
	scheme, rest, _ := strings.Cut(publicURL, "://")
	_, pub, _ := strings.Cut(c.public, "://")
	path, ok := strings.CutPrefix(rest, pub)
	if !ok {
		return publicURL
	}
	base := c.engine
	if scheme == "ws" || scheme == "wss" {
		base = "ws" + strings.TrimPrefix(base, "http")
	}
	return base + path
}

// Send makes a request to a public URL of the engine: contentType, if
// any, describes body; header adds the carrier's (signatures). It returns
// the engine's status and body.
func (c *Client) Send(ctx context.Context, method, publicURL, contentType string, body []byte, header http.Header) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Real(publicURL), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// Upgrade opens a websocket to a public URL of the engine.
func (c *Client) Upgrade(ctx context.Context, publicURL string, header http.Header) (*websocket.Conn, *http.Response, error) {
	return c.dialer.DialContext(ctx, c.Real(publicURL), header)
}

// Close closes idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }
