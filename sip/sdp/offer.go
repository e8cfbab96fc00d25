package sdp

import "net/netip"

// EventPayload is the telephone-event payload type the engine's offers
// name (the one most trunks use).
const EventPayload = 101

// NewOffer describes the engine's side of a call it places: G.711 μ-law
// then A-law, and RFC 4733 telephone-events, received at addr:port. The
// answer (read with Parse) picks one codec of the offer.
func NewOffer(session uint64, addr netip.Addr, port int) []byte {
	return describe(session, 1, addr, port, []rtpmap{{PayloadPCMU, "PCMU/8000"}, {PayloadPCMA, "PCMA/8000"}}, EventPayload, SendRecv)
}
