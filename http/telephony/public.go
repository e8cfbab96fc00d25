package telephony

import (
	"fmt"
	"net/url"
	"strings"
)

// PublicURL is where carriers reach the engine (https://host[:port][/prefix]),
// as they are configured to: signatures are computed over it, so it must be
// exactly what the carrier requests, not the address the engine listens on.
type PublicURL struct {
	base string // without trailing slash
	ws   string // the same with ws/wss
}

// ParsePublicURL checks and parses a public URL.
func ParsePublicURL(s string) (PublicURL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return PublicURL{}, fmt.Errorf("telephony: public URL %q: want http(s)://host[/prefix]", s)
	}
	base := strings.TrimRight(s, "/")
	ws := "wss" + strings.TrimPrefix(base, "https")
	if u.Scheme == "http" {
		ws = "ws" + strings.TrimPrefix(base, "http")
	}
	return PublicURL{base: base, ws: ws}, nil
}

// HTTP is the public URL of a path ("/telephony/twilio/voice").
func (p PublicURL) HTTP(path string) string { return p.base + path }

// WS is the public websocket URL of a path (wss for https).
func (p PublicURL) WS(path string) string { return p.ws + path }

// Request is the public URL of a request the engine received, from its
// request URI (path and query as sent). A prefix in the public URL is one a
// reverse proxy strips before the request reaches the engine.
func (p PublicURL) Request(requestURI string) string { return p.base + requestURI }

// String returns the base URL.
func (p PublicURL) String() string { return p.base }
