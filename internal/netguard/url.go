package netguard

import (
	"context"
	"fmt"
	"net"
	"net/url"
)

// CheckURL reports, before any request is made, whether raw's host is or
// resolves to a non-public address (an error wrapping ErrBlocked naming
// it), so a setting that Transport would refuse at every request can be
// refused when it is written. A name that later resolves elsewhere (DNS
// rebinding) is not caught here: Transport still checks each connection.
func CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("netguard: %q is not a URL", raw)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil {
		return fmt.Errorf("netguard: host %s: %w", u.Hostname(), err)
	}
	for _, a := range addrs {
		if !Public(a) {
			return fmt.Errorf("%w: %s is %s, not a public address", ErrBlocked, u.Hostname(), a.Unmap())
		}
	}
	return nil
}
