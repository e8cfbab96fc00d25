// Package twilio is the Twilio Programmable Voice gateway: the voice
// webhook answering with TwiML <Connect><Stream>, the Media Streams
// websocket, status callbacks, warm-transfer callbacks, and a REST client
// for hanging up, transferring, placing calls and sending SMS.
//
// Every webhook and the websocket upgrade are checked against
// X-Twilio-Signature (docs/reference/protocols.md §1.5): a missing or
// wrong signature is a 403 and nothing else happens.
//
// Routes (fixed, so Twilio numbers can be pointed at them):
//
//	POST /telephony/twilio/voice             incoming (and engine-placed) calls
//	GET  /telephony/twilio/stream            the Media Streams websocket
//	POST /telephony/twilio/status            call status callbacks
//	POST /telephony/twilio/transfer/agent    warm transfer: briefs the agent
//	POST /telephony/twilio/transfer/confirm  warm transfer: the agent's key
//	POST /telephony/twilio/transfer/result   warm transfer: how the dial ended
package twilio
