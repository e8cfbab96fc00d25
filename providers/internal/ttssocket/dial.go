package ttssocket

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fasthttp/websocket"
)

// defaultDialer is used when the client is given none.
var defaultDialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}

// Dialer opens a TTS service's websocket.
type Dialer struct {
	WS         *websocket.Dialer // nil: a 10 s handshake timeout and the environment's proxy
	URL        string
	Header     http.Header
	MaxMessage int64 // largest message accepted from the service
	// Refused reads the service's answer when it refuses the handshake with
	// an HTTP status, so that callers can tell a bad key from an outage.
	Refused       func(*http.Response) error
	ErrConnection error // wraps any other failure
}

// Dial opens the websocket.
func (d *Dialer) Dial(ctx context.Context) (*websocket.Conn, error) {
	wd := d.WS
	if wd == nil {
		wd = defaultDialer
	}
	ws, resp, err := wd.DialContext(ctx, d.URL, d.Header)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			defer resp.Body.Close()
			return nil, d.Refused(resp)
		}
		return nil, fmt.Errorf("%w: dial: %w", d.ErrConnection, err)
	}
	ws.SetReadLimit(d.MaxMessage)
	return ws, nil
}
