// Package gateway is the SIP carrier: a SIP listener (emiago/sipgo, UDP
// and TCP) that takes calls straight from PBXs and carriers' trunks and
// runs each on the engine's call actor through the same voice.Carrier
// contract as the websocket gateways, its audio carried as RTP by package
// media.
//
// An INVITE is served only when the number it dials is a SIP number
// (provider "sip") and one of the number's organization's active trunks
// vouches for it: its source address is on the trunk's allow-list, and,
// where the trunk has inbound credentials, it answers a digest challenge
// (RFC 3261 §22, RFC 2617 MD5). Anything else is refused with a final
// response that says why (403, 404, 480, 488, 503) and a log line; out of
// dialog requests from one address are rate-limited so a flood of INVITEs
// costs little. The engine is no relay: it never forwards a request.
//
// A call's life: INVITE → routed and admitted → 200 OK with the SDP
// answer → ACK → the call actor starts. BYE from the far end ends it as the
// caller hanging up; the engine's own end sends BYE. A re-INVITE or UPDATE
// refreshes the session (RFC 4028 session timers: a call whose refresher
// stops refreshing ends) and may put the call on hold (sendonly,
// inactive, or c=0.0.0.0). A cold transfer is a REFER (RFC 3515), the call
// leaving once the trunk accepted it; where the trunk refuses REFER, the
// engine calls the number itself through the trunk and bridges the two
// legs' media until either hangs up.
package gateway
