// Package plivo is the Plivo gateway: the answer URL returning Plivo XML
// with a bidirectional <Stream>, the audio-stream websocket
// (playAudio/checkpoint/clearAudio out; media, dtmf and playedStream in),
// hang-up callbacks, and the REST API for hanging up, transferring,
// DTMF and outbound calls.
//
// Routes:
//
//	POST /telephony/plivo/answer     answer URL of the Plivo application
//	GET  /telephony/plivo/stream     the audio-stream websocket (?t=ticket)
//	POST /telephony/plivo/status     hang-up (and other) callbacks
//	POST /telephony/plivo/transfer   the XML a transferred call runs
//
// Webhooks are checked against X-Plivo-Signature-V3 (HMAC-SHA256 with the
// account's auth token, over the URL, the sorted parameters and the
// nonce); the websocket upgrade against its ticket in the URL.
package plivo
