package sttsocket

import (
	"fmt"
	"net/url"
	"strings"
)

// URL is base (or def when base is "") with path appended, as a websocket
// URL: http(s) becomes ws(s). The base may carry a path prefix, as a fake
// mounted under one does.
func URL(base, def, path string) (*url.URL, error) {
	if base == "" {
		base = def
	}
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("base URL scheme %q", u.Scheme)
	}
	u.Path += path
	return u, nil
}
