package siptest

import (
	"net"
	"sync"

	"github.com/emiago/sipgo"
)

// endpoint is a test user agent's SIP side: its UDP socket, a stream
// listener (TCP or TLS) where it has one, and the sipgo server reading
// them.
type endpoint struct {
	conn    net.PacketConn
	ln      net.Listener // nil: UDP only
	ua      *sipgo.UserAgent
	srv     *sipgo.Server
	cli     *sipgo.Client
	serving sync.WaitGroup
}

// serveSIP reads the UDP socket, and the stream listener with serveStream.
func (e *endpoint) serveSIP(serveStream func(net.Listener) error) {
	e.serving.Go(func() { _ = e.srv.ServeUDP(e.conn) })
	if e.ln != nil {
		e.serving.Go(func() { _ = serveStream(e.ln) })
	}
}

// closeSIP stops reading before it closes the user agent, as the gateway
// does: sipgo handles each message on a goroutine of its own, and one
// handled after the user agent cleared its connections would be answered
// from a new socket nobody closes.
func (e *endpoint) closeSIP() {
	if e.conn != nil {
		_ = e.conn.Close()
	}
	if e.ln != nil {
		_ = e.ln.Close()
	}
	e.serving.Wait()
	if e.srv != nil {
		_ = e.srv.Close()
	}
	if e.cli != nil {
		_ = e.cli.Close()
	}
	if e.ua != nil {
		_ = e.ua.Close()
	}
}
