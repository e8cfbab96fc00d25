// Package media carries a SIP call's audio as RTP (RFC 3550) over UDP:
// caller packets are reordered in a small jitter buffer, their gaps filled
// with silence and re-framed into the engine's 20 ms frames; RFC 4733
// telephone-events become DTMF digits. The engine's audio leaves paced at
// 20 ms with continuous sequence numbers and timestamps (silence while
// nothing is queued, so NAT bindings and the far end's media timers stay
// alive), marks are reported once the audio before them was sent, and
// digits go out as telephone-events. Media is symmetric (RFC 4961): once a
// packet of the call's stream arrives, replies go to where it came from,
// which is how callers behind NAT are reached. RTCP sender and receiver
// reports are sent every few seconds on the next port up.
//
// Packets that do not decode, or that come from elsewhere than the
// latched source with another SSRC, are dropped and counted; a UDP packet
// anyone can forge never ends a call.
package media
