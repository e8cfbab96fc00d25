// Package telnyx is the Telnyx Call Control gateway: webhooks verified
// with Ed25519 and a timestamp tolerance, calls answered with
// bidirectional PCMU streaming (RTP mode) to the media websocket, its
// stream dialect, and Call Control commands for hanging up, transferring,
// DTMF, outbound calls and SMS.
//
// Routes:
//
//	POST /telephony/telnyx/webhook   Call Control webhooks (call.initiated, …)
//	GET  /telephony/telnyx/stream    the media websocket
//
// The media websocket is authenticated by its stream auth token, a ticket
// sealed into the answer command, which Telnyx sends back as the
// x-telnyx-streaming-auth-token header: a missing or wrong one is a 403.
package telnyx
