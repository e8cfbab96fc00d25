package ttssocket

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/wsbuf"
)

// defaultDialer is used when the client is given none.
var defaultDialer = websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}

// Dialer opens a TTS service's websocket.
type Dialer struct {
	WS         *websocket.Dialer // nil: a 10 s handshake timeout and the environment's proxy; wsbuf's buffers unless it sets its own
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
	var wd websocket.Dialer
	if d.WS != nil {
		wd = *d.WS
	} else {
		wd = defaultDialer
	}
	wsbuf.Set(&wd)
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
