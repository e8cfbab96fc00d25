package gateway

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ErrAddress is an outbound address that is not host[:port].
var ErrAddress = errors.New("sip: not an address: host or host:port (an IP address or a DNS name; IPv6 in brackets with a port)")

// defaultPort is SIP's port over UDP and TCP.
const defaultPort = 5060

// TrunkAddress reads a trunk's outbound address: the host (an IP address
// or a DNS name) and port the engine's INVITEs go to (5060 when absent).
func TrunkAddress(raw string) (host string, port int, err error) {
	host, port = raw, defaultPort
	if a, err := netip.ParseAddr(raw); err == nil && a.Is6() {
		return a.String(), port, nil // a bare IPv6 address
	}
	if h, p, err := net.SplitHostPort(raw); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, ErrAddress
		}
		host, port = h, n
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String(), port, nil
	}
	if !hostName(host) {
		return "", 0, ErrAddress
	}
	return strings.ToLower(host), port, nil
}

// hostName reports whether s is a DNS name (RFC 1123 labels).
func hostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
