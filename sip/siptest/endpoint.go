package siptest

import (
	"net"
	"sync"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-voice/switchboard/sip/internal/closing"
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
	guard   closing.Guard
}

// start makes the user agent and its server, guarded while closing, with
// the server's handlers to come registered through on.
func (e *endpoint) start(opts ...sipgo.UserAgentOption) error {
	ua, err := sipgo.NewUA(append(opts, sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerReadFilter(e.guard.Filter)))...)
	if err != nil {
		return err
	}
	e.ua = ua
	e.guard.Watch(ua)
	if e.srv, err = sipgo.NewServer(ua); err != nil {
		return err
	}
	e.srv.OnNoRoute(e.on(closing.NoRoute))
	return nil
}

// on guards a handler of the server's (see package closing).
func (e *endpoint) on(h sipgo.RequestHandler) sipgo.RequestHandler { return e.guard.Handler(h) }

// serveSIP reads the UDP socket, and the stream listener with serveStream.
func (e *endpoint) serveSIP(serveStream func(net.Listener) error) {
	e.serving.Go(func() { _ = e.srv.ServeUDP(e.conn) })
	if e.ln != nil {
		e.serving.Go(func() { _ = serveStream(e.ln) })
	}
}

// closeSIP stops reading before it closes the user agent, as the gateway
// does (see package closing).
func (e *endpoint) closeSIP() {
	e.guard.Begin()
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
