// Package telephony is what the carrier gateways share: how a call is
// routed (Directory), the tickets that bind a media stream to the call
// that was answered, the media stream that carries a call's audio between
// a carrier websocket and its call actor (Stream, a voice.Carrier), and the
// hub that closes those sockets at shutdown.
//
// One package per carrier (twilio, telnyx, vonage, plivo, web) speaks its
// dialect: webhooks, answers, signatures, frame codecs and call-control
// APIs. Nothing carrier-specific reaches the call actor: a gateway decodes
// frames into Stream's inbound events and encodes the engine's audio,
// marks and clears in its own wire format.
//
// A stream's life: the carrier opens the websocket (checked before the
// upgrade: signature or ticket), the gateway reads until the stream's start
// frame, routes the call, starts it with call.Manager.Start and hands the
// socket to Stream.Serve, which runs one reader loop (in the handler's
// goroutine); a bounded queue is written by a pooled writer. The socket
// closes when the call's Done closes; the call is told Stopped when the
// socket closes first. A malformed or oversized frame ends the call with
// events.EndMalformed and a logged reason.
package telephony
