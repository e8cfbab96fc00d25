// Package vonagetest plays Vonage for the engine over real sockets: a
// Cloud requests the answer URL (with a signed-callback JWT), follows the
// NCCO (talk, connect to a websocket or a phone), runs the websocket with
// binary PCM16 audio at 16 kHz and notify/clear actions honoured as Vonage
// does, posts signed events, and serves the Voice API the engine calls
// (RS256 JWTs verified with the application's public key). Its caller is a
// phone.Phone.
package vonagetest
