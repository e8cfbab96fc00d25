// Package vonage is the Vonage Voice API gateway: the answer URL returning
// an NCCO that connects the call to a websocket carrying binary linear
// PCM16 at 16 kHz (which the engine takes as is), the event webhook, and
// the Voice API (JWT-authenticated with the application's private key) for
// hanging up, transferring, DTMF and outbound calls.
//
// Routes:
//
//	GET|POST /telephony/vonage/answer   answer URL of the Vonage application
//	POST     /telephony/vonage/event    event URL (call status)
//	GET      /telephony/vonage/stream   the media websocket (?t=ticket)
//
// Webhooks must carry Vonage's signed-callback JWT (HS256 with the
// account's signature secret; its payload_hash checked against POST
// bodies); the websocket upgrade its ticket.
package vonage
