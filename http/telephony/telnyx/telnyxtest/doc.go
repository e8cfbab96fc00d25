// Package telnyxtest plays Telnyx for the engine over real sockets: a
// Cloud sends Call Control webhooks signed with its own Ed25519 key
// (call.initiated, call.answered, call.speak.ended, call.hangup), serves
// the Call Control API the engine commands (answer with streaming, speak,
// hangup, transfer, send_dtmf, dial, messages; bearer key checked), and
// runs the bidirectional media stream the answer asks for, with the
// stream auth token as a header. Its caller is a phone.Phone.
package telnyxtest
