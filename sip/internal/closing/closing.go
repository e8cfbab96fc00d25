// Package closing closes a sipgo user agent without leaving a socket
// behind.
//
// sipgo handles every message it reads on a goroutine of its own. A
// request read just before the user agent closed (an ACK, a retransmitted
// INVITE) may be handled after it cleared its connection pool: finding no
// connection to its source, sipgo opens a new socket to answer from, and
// nothing closes that socket or its reader. Every such request then goes
// through the server's handler, in the goroutine that opened the socket,
// so a Guard's handlers close the pool again after any request handled
// once closing has begun; its read filter stops new requests at the same
// moment.
package closing

import (
	"sync/atomic"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Guard is one user agent's closing. The zero value is open.
type Guard struct {
	closing atomic.Bool
	ua      atomic.Pointer[sipgo.UserAgent]
}

// Watch makes ua the user agent whose late sockets the guard closes.
func (g *Guard) Watch(ua *sipgo.UserAgent) { g.ua.Store(ua) }

// Begin marks the start of closing: from now on packets read are dropped
// and requests handled close what they opened.
func (g *Guard) Begin() { g.closing.Store(true) }

// Filter is a read filter (sip.WithTransportLayerReadFilter) dropping
// every packet once closing has begun.
func (g *Guard) Filter(_ sip.TransportReadProps, data []byte) ([]byte, error) {
	if g.closing.Load() {
		return nil, nil
	}
	return data, nil
}

// Handler wraps h: a request handled once closing has begun closes the
// connections opened for it. One handled before is answered from a
// connection the user agent's own close will find.
func (g *Guard) Handler(h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		h(req, tx)
		if !g.closing.Load() {
			return
		}
		if ua := g.ua.Load(); ua != nil {
			for _, network := range []string{"udp", "tcp", "tls"} {
				if p := ua.TransportLayer().Pool(network); p != nil {
					_ = p.Clear()
				}
			}
		}
	}
}

// NoRoute answers a method nobody handles, as sipgo would: a 405.
func NoRoute(req *sip.Request, tx sip.ServerTransaction) {
	_ = tx.Respond(sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil))
}
