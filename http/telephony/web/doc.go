// Package web is the gateway for calls from browsers (and tests): one
// websocket carrying binary PCM16 at 16 kHz both ways plus JSON control
// messages, authenticated by a short-lived token the REST API issues
// (Gateway.Issue).
//
// Route: GET /telephony/web/stream?token=…
//
// The protocol. Client to server:
//
//	binary                          PCM16 LE mono 16 kHz audio (20 ms frames advised)
//	{"type":"dtmf","digits":"12"}   keys the caller pressed
//	{"type":"mark","name":"…"}      the audio sent before that mark has played
//	{"type":"hangup"}               the caller hangs up (closing the socket does too)
//
// Server to client:
//
//	{"type":"started","call_id":"…","encoding":"pcm16","sample_rate":16000}   first
//	binary                          the assistant's audio, 20 ms frames
//	{"type":"mark","name":"…"}      echo the name once the audio before it has played
//	{"type":"clear"}                drop the audio not yet played (barge-in)
//	{"type":"dtmf","digits":"…"}    keys the assistant pressed
//	{"type":"transfer","to":"…"}    the assistant transferred the call to a number
//	{"type":"hangup","reason":"…"}  the call ended (events.End… reasons); the socket closes
package web
