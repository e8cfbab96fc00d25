package media

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// pairTries bounds the search for two free adjacent ports.
const pairTries = 64

// Listen binds an RTP socket on an even port of addr and its RTCP socket
// on the next one (RFC 3550 §11), both chosen by the system.
func Listen(addr netip.Addr) (rtp, rtcp net.PacketConn, err error) {
	for range pairTries {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, 0)))
		if err != nil {
			return nil, nil, fmt.Errorf("media: listen on %s: %w", addr, err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port == 65535 {
			_ = c.Close()
			continue
		}
		r, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, uint16(port+1))))
		if err != nil {
			_ = c.Close()
			continue
		}
		return c, r, nil
	}
	return nil, nil, errors.New("media: no free pair of adjacent UDP ports")
}
